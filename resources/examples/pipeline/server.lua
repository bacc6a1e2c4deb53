-- pylm's pipeline example: the first step of a two-step pipeline.
function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end
