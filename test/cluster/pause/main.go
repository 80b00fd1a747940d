// Command pause is the process of the harness's Pod sandboxes: it holds a Pod's namespaces and does
// nothing until it is told to stop, like the upstream pause image, which cannot be pulled here.
// test/cluster/images builds it into the image named in the node's containerd configuration.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
