-- pylm's server_hub example: the server is the first step, the hub's workers the second.
function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end
