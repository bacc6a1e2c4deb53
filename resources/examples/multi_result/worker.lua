-- pylm's mux_parallel example (MuxWorker): one message in, two results out.
function foo(message)
    yield(self.name .. ' processed ' .. message .. ' 1')
    yield(self.name .. ' processed ' .. message .. ' 2')
end
