/*
 * Exports std::ios_base_library_init() under the GLIBCXX_3.4.32 version node.
 *
 * TorchSharp's libLibTorchSharp.so is linked against GCC 13's libstdc++, whose <iostream> makes every object that
 * includes it reference this function so that the linker keeps the iostream initialiser. The function does nothing.
 * Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the build output's copy of libLibTorchSharp.so takes the symbol
 * from this library instead (see TorchSharpNatives.targets and models/README.md).
 */
void ios_base_library_init(void) __asm__("_ZSt21ios_base_library_initv");

void ios_base_library_init(void)
{
}
