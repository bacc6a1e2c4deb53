-- pylm's tee example: this pipeline answers the client.
function foo(message)
    self.logger.warning('Got a message')
    return 'and I pipelined ' .. message
end
