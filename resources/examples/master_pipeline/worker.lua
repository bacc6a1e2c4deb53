-- pylm's master_pipeline example: the master's workers.
function foo(message)
    self.logger.info('Processed')
    return self.name .. ' processed ' .. message
end
