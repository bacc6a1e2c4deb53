-- Workers read what the client stored in the master's cache.
function foo(message)
    local data = self.get('cached')
    return self.name .. data .. message
end
