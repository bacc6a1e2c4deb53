-- pylm's stream_sink example: even messages take one pipeline, odd ones the other.
local counter = 0

function foo(message)
    self.logger.warning('Got a message')
    return 'you sent me ' .. message
end

function handle_stream(message)
    local topic
    if counter % 2 == 0 then
        topic = 'even'
    else
        topic = 'odd'
    end
    -- Remember to increment the stage.
    message.stage = message.stage + 1
    counter = counter + 1
    return topic, message
end
