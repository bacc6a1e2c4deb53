-- qpalm demo: the stage after the master tags every result before it goes back to the client.
local seen = 0

function tag(payload)
    seen = seen + 1
    return payload .. ' | ' .. self.name .. ' #' .. seen
end
