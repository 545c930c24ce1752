// A data race in C++: two std::threads increment one counter.
#include <thread>

int counter;

__attribute__((noinline)) static void bump()
{
    counter++;
}

int main()
{
    std::thread t(bump);
    bump();
    t.join();
    return 0;
}
