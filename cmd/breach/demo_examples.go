package main

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/breach-notify/breach/examples"
)

// demoExample resolves --example and --incident: the example organisation
// and the path of the incident to publish within it ("incidents/<file>").
// An empty incident is the example's own default.
func demoExample(name, incidentName string) (examples.Example, string, error) {
	ex, err := examples.Lookup(name)
	if err != nil {
		return examples.Example{}, "", usageError(fmt.Errorf("--example: %w (breach demo --list-examples shows them)", err))
	}
	if incidentName == "" {
		incidentName = ex.Incident
	}
	paths, err := ex.Incidents()
	if err != nil {
		return examples.Example{}, "", err
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = path.Base(p)
	}
	if !slices.Contains(names, path.Base(incidentName)) {
		return examples.Example{}, "", usageError(fmt.Errorf("--incident %q is not an incident of example %s; choose one of %s", incidentName, ex.Name, strings.Join(names, ", ")))
	}
	return ex, path.Join("incidents", path.Base(incidentName)), nil
}

// listExamples prints every example organisation with the seed policy it
// is built from and its incidents.
func listExamples(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EXAMPLE\tORGANISATION\tSEED POLICY\tINCIDENTS\tWHAT IT EXERCISES")
	for _, ex := range examples.All() {
		paths, err := ex.Incidents()
		if err != nil {
			return err
		}
		name := ex.Name
		if name == examples.Default {
			name += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", name, ex.Organization, ex.Seed, len(paths), ex.About)
	}
	return tw.Flush()
}
