/* Does not compile, on purpose. */
int main(void)
{
    return undeclared_variable;
}
