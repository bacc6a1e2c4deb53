-- pylm's tee example: this pipeline sees the same messages and answers nothing.
function foo(message)
    self.logger.warning('Just echo, nothing else')
end
