-- pylm's master_pipeline example: a serial step after the parallel one.
function foo(message)
    self.logger.info('Got a message')
    return 'and I pipelined ' .. message
end
