/*
 * layer_check — links one layer's library whole with only the layers below
 * it (CMakeLists.txt): a call into a higher layer is then an undefined
 * reference, and the build fails. It does nothing when run.
 */
int main(void)
{
    return 0;
}
