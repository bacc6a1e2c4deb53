-- qpalm demo: the master hands each message to a worker and gathers the results.
local gathered = 0

function gather(message)
    gathered = gathered + 1
    if gathered % 100 == 0 then
        self.logger.info(gathered .. ' results gathered')
    end
    yield(message)
end
