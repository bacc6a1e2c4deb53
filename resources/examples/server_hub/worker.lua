-- pylm's server_hub example: the hub's workers.
function foo(message)
    self.logger.info('Processed')
    return self.name .. ' processed ' .. message
end
