package templates

import "text/template/parse"

// The render cache (cache.go) renders the templates once per incident with
// placeholders for the recipient's name, the child's name, the
// verification code and the postal address lines, and fills the
// placeholders in for each person. That gives the same notice as running
// the templates only if the templates use those values as opaque text:
// printed, tested for emptiness, spelled, ranged over (the address lines),
// never measured, compared, sliced or passed to another function. analyze
// proves that from the parse trees; a channel whose templates (an
// operator's override, say) do anything else is always rendered in full.

// kind is what an expression of a template evaluates to, as far as
// personal values go.
type kind uint8

const (
	kConst   kind = iota // nothing personal
	kView                // the whole view
	kRecip               // the Recipient struct
	kPerson              // a personal string: name, child's name, code, address line
	kPostal              // the postal address: emptiness only
	kAddrs               // the address lines: range only
	kUnknown             // anything the analysis does not follow
)

// usage is what analyze found out about a channel's templates.
type usage struct {
	// opaque is set when every personal value is used as opaque text.
	opaque bool
	// addresses is set when the templates look at the postal address.
	addresses bool
}

type analyzer struct {
	lookup func(name string) *parse.Tree
	seen   map[analysisKey]bool
	use    usage
}

type analysisKey struct {
	name        string
	dot, dollar kind
}

// analyze checks the templates named entries, each run with the view as
// data, and every template they call.
func analyze(lookup func(name string) *parse.Tree, entries ...string) usage {
	a := &analyzer{lookup: lookup, seen: map[analysisKey]bool{}, use: usage{opaque: true}}
	for _, e := range entries {
		a.template(e, kView, kView)
	}
	return a.use
}

func (a *analyzer) fail() { a.use.opaque = false }

func (a *analyzer) template(name string, dot, dollar kind) {
	k := analysisKey{name, dot, dollar}
	if a.seen[k] {
		return
	}
	a.seen[k] = true
	t := a.lookup(name)
	if t == nil || t.Root == nil {
		a.fail()
		return
	}
	a.walk(t.Root, dot, dollar)
}

func (a *analyzer) walk(n parse.Node, dot, dollar kind) {
	if !a.use.opaque {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			a.walk(c, dot, dollar)
		}
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ActionNode:
		if a.constPipe(n.Pipe, dot, dollar) {
			return
		}
		if len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 {
			a.fail()
			return
		}
		args := n.Pipe.Cmds[0].Args
		switch {
		case len(args) == 1 && a.kindOf(args[0], dot, dollar) == kPerson:
			// printed as it is
		case len(args) == 2 && isIdent(args[0], "spell") && a.kindOf(args[1], dot, dollar) == kPerson:
			// spelled out for a voice
		default:
			a.fail()
		}
	case *parse.IfNode:
		a.cond(n.Pipe, dot, dollar, false)
		a.walk(n.List, dot, dollar)
		a.walk(n.ElseList, dot, dollar)
	case *parse.WithNode:
		inner := a.cond(n.Pipe, dot, dollar, true)
		a.walk(n.List, inner, dollar)
		a.walk(n.ElseList, dot, dollar)
	case *parse.RangeNode:
		inner := kConst
		if !a.constPipe(n.Pipe, dot, dollar) {
			if len(n.Pipe.Decl) > 0 || single(n.Pipe) == nil || a.kindOf(single(n.Pipe), dot, dollar) != kAddrs {
				a.fail()
				return
			}
			inner = kPerson
		}
		a.walk(n.List, inner, dollar)
		a.walk(n.ElseList, dot, dollar)
	case *parse.TemplateNode:
		switch {
		case n.Pipe == nil || a.constPipe(n.Pipe, dot, dollar):
			a.template(n.Name, kConst, kConst)
		case single(n.Pipe) != nil && len(n.Pipe.Decl) == 0:
			k := a.kindOf(single(n.Pipe), dot, dollar)
			if k != kView && k != kPerson {
				a.fail()
				return
			}
			a.template(n.Name, k, k)
		default:
			a.fail()
		}
	default:
		a.fail()
	}
}

// cond checks the pipeline of an if or with and returns what dot is inside
// a with.
func (a *analyzer) cond(p *parse.PipeNode, dot, dollar kind, with bool) kind {
	if a.constPipe(p, dot, dollar) {
		return kConst
	}
	arg := single(p)
	if arg == nil || len(p.Decl) > 0 {
		a.fail()
		return kUnknown
	}
	switch k := a.kindOf(arg, dot, dollar); {
	case k == kPerson:
		return kPerson
	case (k == kPostal || k == kAddrs) && !with:
		return kConst
	}
	a.fail()
	return kUnknown
}

// constPipe reports whether p uses nothing personal.
func (a *analyzer) constPipe(p *parse.PipeNode, dot, dollar kind) bool {
	if p == nil {
		return true
	}
	for _, c := range p.Cmds {
		for _, arg := range c.Args {
			if a.kindOf(arg, dot, dollar) != kConst {
				return false
			}
		}
	}
	return true
}

// kindOf classifies one argument of a command.
func (a *analyzer) kindOf(n parse.Node, dot, dollar kind) kind {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return a.path(dot, n.Ident)
	case *parse.VariableNode:
		if n.Ident[0] == "$" {
			return a.path(dollar, n.Ident[1:])
		}
		// Variables only ever hold constant values: a declaration from
		// anything personal fails the analysis.
		return kConst
	case *parse.PipeNode:
		if a.constPipe(n, dot, dollar) {
			return kConst
		}
		return kUnknown
	case *parse.ChainNode:
		if a.kindOf(n.Node, dot, dollar) == kConst {
			return kConst
		}
		return kUnknown
	case *parse.IdentifierNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return kConst
	}
	return kUnknown
}

// path classifies the fields idents of a value of kind base.
func (a *analyzer) path(base kind, idents []string) kind {
	if len(idents) == 0 {
		return base
	}
	first, rest := idents[0], idents[1:]
	switch base {
	case kConst:
		return kConst
	case kView:
		switch first {
		case "Recipient":
			return a.path(kRecip, rest)
		case "VerificationCode":
			return leaf(kPerson, rest)
		case "AddressLines":
			a.use.addresses = true
			return leaf(kAddrs, rest)
		}
		return kConst
	case kRecip:
		switch first {
		case "Name", "ChildName":
			return leaf(kPerson, rest)
		case "PostalAddress":
			a.use.addresses = true
			return leaf(kPostal, rest)
		}
	}
	return kUnknown
}

func leaf(k kind, rest []string) kind {
	if len(rest) > 0 {
		return kUnknown
	}
	return k
}

// single returns the only argument of a one-command pipeline, or nil.
func single(p *parse.PipeNode) parse.Node {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil
	}
	return p.Cmds[0].Args[0]
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}
