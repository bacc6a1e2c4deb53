-- pylm's gather example: the 30th result coming back from the workers is replaced.
local counter = 0

function scatter(message)
    for i = 1, 3 do
        yield(message)
    end
end

function gather(message)
    counter = counter + 1
    if counter == 30 then
        yield(self.change_payload(message, 'final message'))
    else
        yield(message)
    end
end
