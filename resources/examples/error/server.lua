-- pylm's error example: a bug in a handler is logged, the client gets '0', the server goes on.
function foo(message)
    self.logger.warning('Got a message')
    print(x.value)
    return 'you sent me ' .. message
end

-- Not in pylm's example: shows that the server keeps serving after the error.
function bar(message)
    return 'you sent me ' .. message
end
