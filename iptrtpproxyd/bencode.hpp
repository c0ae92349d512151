// SPDX-License-Identifier: GPL-2.0
// Bencode, the encoding of rtpengine's ng control protocol: a value type, a bounded decoder and
// an encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace rtpproxyd::bencode {

struct Entry;

// One bencode value: a byte string, a 64-bit integer, a list or a dictionary.
//
// A dictionary is a list of entries in wire order, duplicates included: the decoder is a
// faithful picture of the bytes (encode(decode(x)) == x for every x it accepts), and what a
// repeated key means is for the protocol above to decide (ng_command.hpp rejects a request
// that repeats a key it reads). find() returns the first entry. Keys need not be sorted:
// rtpengine does not sort them and the replies Kamailio expects are not sorted either.
class Value {
  public:
    using String = std::string;  // bytes, not text: may hold NUL and anything else
    using Integer = std::int64_t;
    using List = std::vector<Value>;
    using Dictionary = std::vector<Entry>;

    // Defined below Entry: a constructor destroys its members when it throws, and that needs
    // Entry complete (clang insists).
    Value();
    Value(String s);
    Value(std::string_view s);
    Value(const char* s);
    Value(Integer i);
    // An int literal would otherwise be ambiguous between Integer and const char*.
    Value(int i);
    Value(List l);
    Value(Dictionary d);

    bool is_string() const noexcept { return std::holds_alternative<String>(data_); }
    bool is_integer() const noexcept { return std::holds_alternative<Integer>(data_); }
    bool is_list() const noexcept { return std::holds_alternative<List>(data_); }
    bool is_dictionary() const noexcept { return std::holds_alternative<Dictionary>(data_); }

    // The value as that type, or nullptr when it is another type.
    const String* as_string() const noexcept { return std::get_if<String>(&data_); }
    const Integer* as_integer() const noexcept { return std::get_if<Integer>(&data_); }
    const List* as_list() const noexcept { return std::get_if<List>(&data_); }
    const Dictionary* as_dictionary() const noexcept { return std::get_if<Dictionary>(&data_); }
    List* as_list() noexcept { return std::get_if<List>(&data_); }
    Dictionary* as_dictionary() noexcept { return std::get_if<Dictionary>(&data_); }

    // The value of the first entry with this key; nullptr if there is none or this is not a
    // dictionary.
    const Value* find(std::string_view key) const noexcept;

    friend bool operator==(const Value& a, const Value& b);

  private:
    std::variant<String, Integer, List, Dictionary> data_;
};

struct Entry {
    std::string key;
    Value value;

    friend bool operator==(const Entry& a, const Entry& b) {
        return a.key == b.key && a.value == b.value;
    }
};

inline Value::Value() : data_(String()) {}
inline Value::Value(String s) : data_(std::move(s)) {}
inline Value::Value(std::string_view s) : data_(String(s)) {}
inline Value::Value(const char* s) : data_(String(s)) {}
inline Value::Value(Integer i) : data_(i) {}
inline Value::Value(int i) : data_(static_cast<Integer>(i)) {}
inline Value::Value(List l) : data_(std::move(l)) {}
inline Value::Value(Dictionary d) : data_(std::move(d)) {}

// Bounds on what decode() builds, so that hostile input costs little memory and stack. The
// decoder recurses once per nesting level: keep max_depth small.
struct Limits {
    std::size_t max_depth = 32;         // lists and dictionaries inside each other
    std::size_t max_elements = 65'536;  // values of any type, dictionary keys included
};

struct DecodeError {
    std::size_t offset = 0;  // of the byte where decoding failed, from the start of the input
    std::string reason;      // e.g. "integer with a leading zero"

    // "<reason> at byte <offset>".
    std::string message() const;
};

// Either a value or why there is none.
struct DecodeResult {
    std::optional<Value> value;
    DecodeError error;  // meaningful only without a value

    explicit operator bool() const noexcept { return value.has_value(); }
};

// Decodes exactly one value that spans the whole input. Strict, as the bencode rules say:
// integers are -?[1-9][0-9]* or 0 and fit in 64 bits (no "i-0e", no "i03e"), string lengths
// have no leading zero and fit in what is left of the input, containers are terminated, and
// nothing may follow the value. Total: any byte sequence gives a value or an error, never an
// exception (but std::bad_alloc) and never undefined behaviour; this is the fuzzing entry
// point of the bencode layer.
DecodeResult decode(std::string_view input, const Limits& limits = {});

// The bencoding of value, dictionaries in their stored order.
std::string encode(const Value& value);
void encode_to(const Value& value, std::string& out);

}  // namespace rtpproxyd::bencode
