-- pylm's pipeline example: the second step, answering the client.
function foo(message)
    self.logger.warning('Got a message')
    return 'and I pipelined ' .. message
end
