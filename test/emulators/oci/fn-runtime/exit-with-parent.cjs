// Preloaded (node -r) into every function process the emulator starts. The emulator holds the
// other end of the child's stdin; if the emulator dies without close() (a crashed or killed test
// run), that pipe ends and the function exits instead of lingering as an orphan.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
