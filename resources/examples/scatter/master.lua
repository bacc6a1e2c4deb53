-- pylm's scatter example: every incoming message goes to the workers three times.
function scatter(message)
    for i = 1, 3 do
        yield(message)
    end
end
