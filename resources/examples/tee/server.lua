-- pylm's tee example: everything this server publishes reaches both pipelines.
function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end
