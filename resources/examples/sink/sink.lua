-- pylm's sink example: a sink listening to one server, answering the client.
function foo(message)
    self.logger.warning('Got a message')
    return 'and I pipelined ' .. message
end
