// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy monitor`: one line per event, until SIGINT, SIGTERM or --count lines.
#include "monitor.hpp"

#include <poll.h>
#include <signal.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <string>
#include <system_error>
#include <utility>

#include "commands.hpp"
#include "format.hpp"
#include "output.hpp"
#include "xtrtpproxy/monitor.hpp"

namespace iptrtpproxy {

bool EventFilter::passes(const xtrtpproxy::Event& event) const {
    if (event.kind == xtrtpproxy::EventKind::lost) return true;
    if (!selector.matches(event.gates)) return false;
    return !label || !event.session || label->matches(event.session->label);
}

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) { g_stop = 1; }

// SIGINT and SIGTERM end the monitor between two reads, with exit status 0, as the end of
// what was asked for rather than an error. One that was ignored stays so (a shell ignores
// SIGINT for the jobs of a script it starts in the background). Their earlier handling comes
// back at the end (a batch goes on after a monitor).
class StopSignals {
  public:
    StopSignals() {
        g_stop = 0;
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        // A second signal takes the default action: it ends a monitor that a reader who stopped
        // reading keeps in a write.
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&stop_set_);
        sigprocmask(SIG_SETMASK, nullptr, &waiting_mask_);
        for (const auto& [number, old] : {std::pair{SIGINT, &old_int_}, {SIGTERM, &old_term_}}) {
            sigaction(number, nullptr, old);
            if (old->sa_handler == SIG_IGN) continue;
            sigaction(number, &action, nullptr);
            sigaddset(&stop_set_, number);
            sigdelset(&waiting_mask_, number);
        }
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }

    // Waits until fd is readable; false once a stop signal came.
    bool wait(int fd) {
        // Held back from the look at g_stop until ppoll lets them in: a signal in between
        // would otherwise wait for the next event to be noticed.
        sigset_t before;
        sigprocmask(SIG_BLOCK, &stop_set_, &before);
        int error = 0;
        while (!g_stop) {
            pollfd pfd{fd, POLLIN, 0};
            if (ppoll(&pfd, 1, nullptr, &waiting_mask_) > 0) break;
            if (errno != EINTR) {
                error = errno;
                break;
            }
        }
        sigprocmask(SIG_SETMASK, &before, nullptr);
        if (error)
            throw std::system_error(error, std::generic_category(), "cannot wait for events");
        return !g_stop;
    }

  private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
    sigset_t stop_set_{};
    sigset_t waiting_mask_{};
};

}  // namespace

int run_monitor(const Options& options) {
    xtrtpproxy::Monitor monitor(options.rcvbuf);
    const std::size_t rcvbuf = monitor.receive_buffer();
    if (options.rcvbuf && rcvbuf < *options.rcvbuf)
        std::cerr << "iptrtpproxy: warning: the receive buffer is " << rcvbuf << " bytes, not "
                  << *options.rcvbuf
                  << ": net.core.rmem_max stops it, and only CAP_NET_ADMIN in the initial user "
                     "namespace goes beyond\n";
    verbose(options,
            "monitor: listening, with a receive buffer of " + std::to_string(rcvbuf) + " bytes");
    const EventFilter filter{options.selector, options.label_filter};
    StopSignals signals;
    std::uint64_t printed = 0;
    std::string lines;
    while (signals.wait(monitor.fd())) {
        lines.clear();
        for (const auto& event : monitor.read()) {
            if (!filter.passes(event)) continue;
            lines += format_event(event, rcvbuf);
            if (++printed == options.count) break;
        }
        // Each line goes out as it comes, through a pipe too: a daemon acts on it.
        std::cout << lines;
        flush_checked(std::cout);
        if (printed == options.count) break;
    }
    return 0;
}

}  // namespace iptrtpproxy
