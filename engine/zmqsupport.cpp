#include "zmqsupport.h"

namespace qpalm {

zmq::context_t &zmqContext()
{
    // Never destroyed: terminating it while another static tears down a socket would hang at exit.
    static zmq::context_t *context = [] {
        auto *c = new zmq::context_t(2);
        c->set(zmq::ctxopt::max_sockets, 8192);
        return c;
    }();
    return *context;
}

zmq::socket_t makeSocket(zmq::socket_type type)
{
    zmq::socket_t socket(zmqContext(), type);
    socket.set(zmq::sockopt::linger, 0);
    return socket;
}

std::string lastEndpoint(zmq::socket_t &socket)
{
    return socket.get(zmq::sockopt::last_endpoint);
}

bool receiveFrames(zmq::socket_t &socket, std::vector<zmq::message_t> &frames, bool wait)
{
    frames.clear();
    zmq::message_t frame;
    auto received = socket.recv(frame, wait ? zmq::recv_flags::none : zmq::recv_flags::dontwait);
    if (!received)
        return false;
    bool more = frame.more();
    frames.push_back(std::move(frame));
    while (more) {
        zmq::message_t part;
        (void)socket.recv(part, zmq::recv_flags::none);
        more = part.more();
        frames.push_back(std::move(part));
    }
    return true;
}

} // namespace qpalm
