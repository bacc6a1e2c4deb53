-- pylm's logging example: the master logs at WARNING and above only.
local counter = 0

function scatter(message)
    for i = 1, 3 do
        yield(message)
    end
end

function gather(message)
    counter = counter + 1
    if counter == 30 then
        self.logger.critical('Changing the payload of the message')
        yield(self.change_payload(message, 'final message'))
    else
        yield(message)
    end
end
