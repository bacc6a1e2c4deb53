-- pylm's stream_sink example: the sink joins both pipelines and answers the client.
function foo(message)
    self.logger.warning('Got a message')
    return 'and gathered ' .. message
end
