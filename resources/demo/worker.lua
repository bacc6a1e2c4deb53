-- qpalm demo: a worker counts a message's words and shouts it back.
-- Send a payload containing "boom" to see a caught error with its traceback.
local processed = 0

local function count_words(text)
    local words = 0
    for _ in text:gmatch('%S+') do
        words = words + 1
    end
    return words
end

function process(payload)
    processed = processed + 1
    self.logger.debug('got ' .. #payload .. ' bytes')
    if processed % 50 == 0 then
        self.logger.info(processed .. ' messages processed')
    end
    if payload:find('boom', 1, true) then
        error('the payload asked for an error')
    end
    return string.format('%s: %s (%d words)', self.name, payload:upper(), count_words(payload))
end
