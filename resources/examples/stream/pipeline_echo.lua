-- pylm's stream example: the pipeline of the odd messages answers nothing.
function foo(message)
    self.logger.warning('Just echo, nothing else')
end
