// SPDX-License-Identifier: GPL-2.0
// The bencode decoder and encoder (bencode.hpp).
#include "bencode.hpp"

#include <limits>

namespace rtpproxyd::bencode {

const Value* Value::find(std::string_view key) const noexcept {
    const Dictionary* dictionary = as_dictionary();
    if (!dictionary) return nullptr;
    for (const Entry& entry : *dictionary)
        if (entry.key == key) return &entry.value;
    return nullptr;
}

bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

std::string DecodeError::message() const { return reason + " at byte " + std::to_string(offset); }

namespace {

using Integer = Value::Integer;

void encode_string(std::string_view s, std::string& out) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A recursive descent over the input. Every function either consumes a well-formed value and
// returns true, or records the first error and returns false; nothing is read past the end.
class Decoder {
  public:
    Decoder(std::string_view input, const Limits& limits) : in_(input), limits_(limits) {}

    DecodeResult run() {
        DecodeResult result;
        if (in_.empty()) {
            result.error = {0, "empty input"};
            return result;
        }
        Value value;
        if (!parse_value(value, 0)) {
            result.error = error_;
            return result;
        }
        if (pos_ != in_.size()) {
            result.error = {pos_, "trailing bytes after the value"};
            return result;
        }
        result.value = std::move(value);
        return result;
    }

  private:
    bool fail(std::size_t offset, std::string reason) {
        error_ = {offset, std::move(reason)};
        return false;
    }

    bool count_element(std::size_t offset) {
        if (++elements_ > limits_.max_elements)
            return fail(offset, "more than " + std::to_string(limits_.max_elements) + " values");
        return true;
    }

    bool parse_value(Value& out, std::size_t depth) {
        if (pos_ >= in_.size()) return fail(pos_, "unexpected end of input");
        const char c = in_[pos_];
        if (c == 'i') return parse_integer(out);
        if (c == 'l' || c == 'd') {
            if (depth >= limits_.max_depth)
                return fail(pos_, "lists and dictionaries nested deeper than " +
                                      std::to_string(limits_.max_depth));
            return c == 'l' ? parse_list(out, depth + 1) : parse_dictionary(out, depth + 1);
        }
        if (is_digit(c)) {
            std::string s;
            if (!parse_string(s)) return false;
            out = Value(std::move(s));
            return true;
        }
        return fail(pos_, "expected a value (i, l, d or a digit)");
    }

    bool parse_integer(Value& out) {
        const std::size_t start = pos_;
        if (!count_element(start)) return false;
        ++pos_;  // 'i'
        const bool negative = pos_ < in_.size() && in_[pos_] == '-';
        if (negative) ++pos_;
        const std::size_t digits = pos_;
        // The magnitude, in an unsigned type so that INT64_MIN fits and nothing overflows.
        const std::uint64_t max =
            negative ? std::uint64_t{1} << 63
                     : static_cast<std::uint64_t>(std::numeric_limits<Integer>::max());
        std::uint64_t magnitude = 0;
        while (pos_ < in_.size() && is_digit(in_[pos_])) {
            const auto digit = static_cast<std::uint64_t>(in_[pos_] - '0');
            if (magnitude > (max - digit) / 10) return fail(start, "integer out of 64-bit range");
            magnitude = magnitude * 10 + digit;
            ++pos_;
        }
        if (pos_ >= in_.size()) return fail(start, "unterminated integer");
        if (in_[pos_] != 'e') return fail(pos_, "unexpected byte in integer");
        if (pos_ == digits) return fail(start, "integer without digits");
        if (in_[digits] == '0' && pos_ - digits > 1)
            return fail(start, "integer with a leading zero");
        if (negative && magnitude == 0) return fail(start, "negative zero");
        ++pos_;  // 'e'
        out = Value(negative
                        ? (magnitude == std::uint64_t{1} << 63 ? std::numeric_limits<Integer>::min()
                                                               : -static_cast<Integer>(magnitude))
                        : static_cast<Integer>(magnitude));
        return true;
    }

    // <length>:<bytes>; the caller has seen that a digit comes first.
    bool parse_string(std::string& out) {
        const std::size_t start = pos_;
        if (!count_element(start)) return false;
        const std::size_t digits = pos_;
        std::size_t length = 0;
        const std::size_t left = in_.size() - pos_;
        while (pos_ < in_.size() && is_digit(in_[pos_])) {
            // No string can be longer than the input: stop counting before anything overflows.
            if (length > left / 10) return fail(start, "string longer than the input");
            length = length * 10 + static_cast<std::size_t>(in_[pos_] - '0');
            ++pos_;
        }
        if (pos_ >= in_.size()) return fail(start, "string length without ':'");
        if (in_[pos_] != ':') return fail(pos_, "unexpected byte in string length");
        if (in_[digits] == '0' && pos_ - digits > 1)
            return fail(start, "string length with a leading zero");
        ++pos_;  // ':'
        if (length > in_.size() - pos_)
            return fail(start, "string length " + std::to_string(length) + " but only " +
                                   std::to_string(in_.size() - pos_) + " bytes left");
        out.assign(in_.substr(pos_, length));
        pos_ += length;
        return true;
    }

    bool parse_list(Value& out, std::size_t depth) {
        const std::size_t start = pos_;
        if (!count_element(start)) return false;
        ++pos_;  // 'l'
        Value::List list;
        for (;;) {
            if (pos_ >= in_.size()) return fail(start, "unterminated list");
            if (in_[pos_] == 'e') break;
            Value item;
            if (!parse_value(item, depth)) return false;
            list.push_back(std::move(item));
        }
        ++pos_;  // 'e'
        out = Value(std::move(list));
        return true;
    }

    bool parse_dictionary(Value& out, std::size_t depth) {
        const std::size_t start = pos_;
        if (!count_element(start)) return false;
        ++pos_;  // 'd'
        Value::Dictionary dictionary;
        for (;;) {
            if (pos_ >= in_.size()) return fail(start, "unterminated dictionary");
            if (in_[pos_] == 'e') break;
            if (!is_digit(in_[pos_])) return fail(pos_, "dictionary key is not a string");
            Entry entry;
            if (!parse_string(entry.key)) return false;
            if (pos_ >= in_.size()) return fail(start, "dictionary key without a value");
            if (in_[pos_] == 'e') return fail(pos_, "dictionary key without a value");
            if (!parse_value(entry.value, depth)) return false;
            dictionary.push_back(std::move(entry));
        }
        ++pos_;  // 'e'
        out = Value(std::move(dictionary));
        return true;
    }

    std::string_view in_;
    const Limits& limits_;
    std::size_t pos_ = 0;
    std::size_t elements_ = 0;
    DecodeError error_;
};

}  // namespace

DecodeResult decode(std::string_view input, const Limits& limits) {
    return Decoder(input, limits).run();
}

void encode_to(const Value& value, std::string& out) {
    if (const auto* s = value.as_string()) {
        encode_string(*s, out);
    } else if (const auto* i = value.as_integer()) {
        out += 'i';
        out += std::to_string(*i);
        out += 'e';
    } else if (const auto* list = value.as_list()) {
        out += 'l';
        for (const Value& item : *list) encode_to(item, out);
        out += 'e';
    } else if (const auto* dictionary = value.as_dictionary()) {
        out += 'd';
        for (const Entry& entry : *dictionary) {
            encode_string(entry.key, out);
            encode_to(entry.value, out);
        }
        out += 'e';
    }
}

std::string encode(const Value& value) {
    std::string out;
    encode_to(value, out);
    return out;
}

}  // namespace rtpproxyd::bencode
