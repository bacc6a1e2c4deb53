-- pylm's parallel example: workers of one master share the job.
function foo(message)
    return self.name .. ' processed ' .. message
end
