-- pylm's logging example: each worker reports every 10 messages it processed.
local ncalls = 0

function foo(message)
    ncalls = ncalls + 1
    local data = self.get('cached')
    if ncalls % 10 == 0 then
        self.logger.info(string.format('Processed %d messages', ncalls))
    end
    return self.name .. data .. message
end
