-- pylm's single example: one server answering one client.
function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end
