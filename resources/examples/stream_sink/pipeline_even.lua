-- pylm's stream_sink example: the pipeline of the even messages.
function foo(message)
    self.logger.info('Got a message')
    return 'and I pipelined ' .. message
end
