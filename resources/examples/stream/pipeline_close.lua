-- pylm's stream example: the pipeline of the even messages answers the client.
function foo(message)
    self.logger.warning('Got a message')
    return 'and I pipelined ' .. message
end
