//go:build race

package extract

// timeScale stretches time limits in tests: the race detector makes code
// several times slower.
const timeScale = 10
