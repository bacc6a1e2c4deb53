-- pylm's sink example: the server feeds the sink.
function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end
