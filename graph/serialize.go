package graph

import (
	"fmt"
	"reflect"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph/graphpb"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// FormatVersion is the version of the serialised graph format that Marshal writes and
// Unmarshal reads.
const FormatVersion = 1

// Marshal encodes g in Tide's protobuf graph format (graphpb.GraphDef): every node with its op
// name and params as attributes, the specs of all values, the captured tensors with their
// current contents (variables marked as such), the outputs and the assignments. It returns an
// error for a params field of a kind the format cannot hold.
func Marshal(g *Graph) ([]byte, error) {
	def, err := marshalDef(g)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(def)
}

func marshalDef(g *Graph) (*graphpb.GraphDef, error) {
	def := &graphpb.GraphDef{Version: FormatVersion}
	for _, p := range g.Params {
		def.Params = append(def.Params, valueDef(p))
	}
	for _, c := range g.Captures {
		def.Captures = append(def.Captures, &graphpb.CaptureDef{
			Id:       int64(c.ID),
			Value:    &graphpb.TensorData{Spec: specDef(c.Spec), Data: c.Tensor.Detach().Bytes()},
			Variable: c.Tensor.Mutable(),
		})
	}
	nextValue, nextNode := int64(g.nextID), int64(g.nextNode)
	for _, n := range g.Nodes {
		var nds []*graphpb.NodeDef
		var err error
		if fp, ok := n.Params.(FusedParams); ok {
			// Fusion is an execution detail: the file holds the ops themselves, and a graph
			// loaded from it is fused again when compiled.
			nds, err = unfuse(n, fp, &nextValue, &nextNode)
		} else {
			var nd *graphpb.NodeDef
			nd, err = nodeDef(int64(n.ID), n.Op, n.Params, ids(n.Inputs), n.Outputs)
			nds = []*graphpb.NodeDef{nd}
		}
		if err != nil {
			return nil, fmt.Errorf("graph: node %d (%s): %w", n.ID, n.Op.Name(), err)
		}
		def.Nodes = append(def.Nodes, nds...)
	}
	for _, o := range g.Outputs {
		def.Outputs = append(def.Outputs, int64(o.ID))
	}
	for _, a := range g.Assigns {
		c := g.Capture(a.Target) // present since tracing: assignment targets are always captured
		def.Assigns = append(def.Assigns, &graphpb.AssignDef{Capture: int64(c.ID), Value: int64(a.Value.ID)})
	}
	return def, nil
}

func nodeDef(id int64, op *core.Op, params any, inputs []int64, outputs []*Value) (*graphpb.NodeDef, error) {
	attrs, err := encodeParams(params)
	if err != nil {
		return nil, err
	}
	nd := &graphpb.NodeDef{Id: id, Op: op.Name(), Attrs: attrs, Inputs: inputs}
	for _, o := range outputs {
		nd.Outputs = append(nd.Outputs, valueDef(o))
	}
	return nd, nil
}

func ids(vs []*Value) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = int64(v.ID)
	}
	return out
}

// unfuse returns the node definitions of a fused node's steps; intermediate values get fresh
// ids, and the last step produces the fused node's output.
func unfuse(n *Node, fp FusedParams, nextValue, nextNode *int64) ([]*graphpb.NodeDef, error) {
	refs := ids(n.Inputs)
	specs := make([]core.Spec, len(n.Inputs))
	for i, in := range n.Inputs {
		specs[i] = in.Spec
	}
	var nds []*graphpb.NodeDef
	for i, s := range fp.Steps {
		args := make([]int64, len(s.Args))
		argSpecs := make([]core.Spec, len(s.Args))
		for j, a := range s.Args {
			args[j], argSpecs[j] = refs[a], specs[a]
		}
		out := n.Outputs[0]
		if i < len(fp.Steps)-1 {
			inferred, err := s.Op.Infer(s.Params, argSpecs)
			if err != nil {
				return nil, err
			}
			out = &Value{ID: int(*nextValue), Spec: inferred[0]}
			*nextValue++
		}
		nd, err := nodeDef(*nextNode, s.Op, s.Params, args, []*Value{out})
		if err != nil {
			return nil, err
		}
		*nextNode++
		nds = append(nds, nd)
		refs = append(refs, int64(out.ID))
		specs = append(specs, out.Spec)
	}
	return nds, nil
}

func valueDef(v *Value) *graphpb.ValueDef {
	return &graphpb.ValueDef{Id: int64(v.ID), Spec: specDef(v.Spec)}
}

func specDef(s core.Spec) *graphpb.TensorSpec {
	dims := make([]int64, len(s.Shape))
	for i, d := range s.Shape {
		dims[i] = int64(d)
	}
	return &graphpb.TensorSpec{Dtype: s.DType.String(), Shape: dims}
}

var (
	dtypeType = reflect.TypeFor[dtype.DType]()
	graphType = reflect.TypeFor[*Graph]()
)

// skipField reports whether a params field is left out of the file: unexported fields and
// fields tagged `graph:"-"` (Go functions and run-time caches of control-flow ops).
func skipField(f reflect.StructField) bool { return !f.IsExported() || f.Tag.Get("graph") == "-" }

// encodeParams turns an op's params struct into attributes, one per exported field.
func encodeParams(p any) (map[string]*graphpb.AttrValue, error) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("params of type %T are not a struct", p)
	}
	attrs := map[string]*graphpb.AttrValue{}
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if skipField(f) {
			continue
		}
		if fv.Kind() == reflect.Slice && fv.IsNil() {
			continue // absent: decodes to nil (all axes, say), unlike an empty list
		}
		a, err := encodeAttr(fv)
		if err != nil {
			return nil, fmt.Errorf("params field %s: %w", f.Name, err)
		}
		attrs[f.Name] = a
	}
	return attrs, nil
}

func encodeAttr(v reflect.Value) (*graphpb.AttrValue, error) {
	if v.Type() == graphType {
		sub, err := marshalDef(v.Interface().(*Graph))
		if err != nil {
			return nil, err
		}
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_Graph{Graph: sub}}, nil
	}
	if v.Type() == dtypeType {
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_Dtype{Dtype: v.Interface().(dtype.DType).String()}}, nil
	}
	switch v.Kind() {
	case reflect.Bool:
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_B{B: v.Bool()}}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_I{I: v.Int()}}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_I{I: int64(v.Uint())}}, nil
	case reflect.Float32, reflect.Float64:
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_F{F: v.Float()}}, nil
	case reflect.String:
		return &graphpb.AttrValue{Value: &graphpb.AttrValue_S{S: v.String()}}, nil
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.Int, reflect.Int64, reflect.Int32:
			ints := &graphpb.Ints{Values: make([]int64, v.Len())}
			for i := range ints.Values {
				ints.Values[i] = v.Index(i).Int()
			}
			return &graphpb.AttrValue{Value: &graphpb.AttrValue_Ints{Ints: ints}}, nil
		case reflect.Float64, reflect.Float32:
			fs := &graphpb.Floats{Values: make([]float64, v.Len())}
			for i := range fs.Values {
				fs.Values[i] = v.Index(i).Float()
			}
			return &graphpb.AttrValue{Value: &graphpb.AttrValue_Floats{Floats: fs}}, nil
		case reflect.Bool:
			bs := &graphpb.Bools{Values: make([]bool, v.Len())}
			for i := range bs.Values {
				bs.Values[i] = v.Index(i).Bool()
			}
			return &graphpb.AttrValue{Value: &graphpb.AttrValue_Bools{Bools: bs}}, nil
		}
	}
	return nil, fmt.Errorf("kind %s cannot be serialised", v.Type())
}

// Unmarshal decodes a graph written by Marshal. It returns an error, and never panics, for any
// input: damaged bytes, an unknown version or op, a dangling value, params an op rejects. The
// captured variables of the result are fresh tensors holding the saved values.
func Unmarshal(b []byte) (g *Graph, err error) {
	defer func() {
		// Shape rules are written for well-formed params; a hostile file may still trip one.
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("graph: invalid graph: %v", r)
		}
	}()
	var def graphpb.GraphDef
	if err := proto.Unmarshal(b, &def); err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	return unmarshalDef(&def, 0)
}

// maxNesting bounds how deep subgraphs may nest in a file.
const maxNesting = 32

func unmarshalDef(def *graphpb.GraphDef, depth int) (*Graph, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("graph: subgraphs nested more than %d deep", maxNesting)
	}
	if def.Version != FormatVersion {
		return nil, fmt.Errorf("graph: format version %d, this reader knows %d", def.Version, FormatVersion)
	}
	d := &decoder{g: &Graph{}, values: map[int64]*Value{}, depth: depth}
	if err := d.decode(def); err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	if err := d.g.Verify(); err != nil {
		return nil, fmt.Errorf("graph: invalid graph: %w", err)
	}
	return d.g, nil
}

type decoder struct {
	g      *Graph
	values map[int64]*Value
	depth  int
}

func (d *decoder) define(id int64, spec core.Spec, kind Kind) (*Value, error) {
	if _, dup := d.values[id]; dup || id < 0 || id > 1<<40 {
		return nil, fmt.Errorf("value id %d is repeated or out of range", id)
	}
	v := &Value{ID: int(id), Spec: spec, Kind: kind, g: d.g}
	d.values[id] = v
	d.g.nextID = max(d.g.nextID, int(id)+1)
	return v, nil
}

func (d *decoder) decode(def *graphpb.GraphDef) error {
	for i, p := range def.Params {
		s, err := decodeSpec(p.Spec)
		if err != nil {
			return fmt.Errorf("param %d: %w", i, err)
		}
		v, err := d.define(p.Id, s, KindParam)
		if err != nil {
			return err
		}
		v.Param = i
		d.g.Params = append(d.g.Params, v)
	}
	for i, c := range def.Captures {
		t, err := decodeTensor(c.Value)
		if err != nil {
			return fmt.Errorf("capture %d: %w", i, err)
		}
		if c.Variable {
			t.SetMutable()
		}
		v, err := d.define(c.Id, core.SpecOf(t), KindCapture)
		if err != nil {
			return err
		}
		v.Tensor = t
		d.g.Captures = append(d.g.Captures, v)
	}
	for _, nd := range def.Nodes {
		if err := d.node(nd); err != nil {
			return fmt.Errorf("node %d (%s): %w", nd.Id, nd.Op, err)
		}
	}
	for _, id := range def.Outputs {
		v, ok := d.values[id]
		if !ok {
			return fmt.Errorf("output value %d is not defined", id)
		}
		d.g.Outputs = append(d.g.Outputs, v)
	}
	for _, a := range def.Assigns {
		c, ok := d.values[a.Capture]
		v, ok2 := d.values[a.Value]
		if !ok || !ok2 || c.Kind != KindCapture || !c.Tensor.Mutable() {
			return fmt.Errorf("assignment of value %d to %d: not a defined value and variable", a.Value, a.Capture)
		}
		d.g.Assigns = append(d.g.Assigns, Assign{Target: c.Tensor, Value: v})
	}
	return nil
}

func (d *decoder) node(nd *graphpb.NodeDef) error {
	op := core.Lookup(nd.Op)
	if op == nil {
		return fmt.Errorf("unknown op %q", nd.Op)
	}
	params, err := decodeParams(op, nd.Attrs, d.depth)
	if err != nil {
		return err
	}
	n := &Node{ID: int(nd.Id), Op: op, Params: params}
	d.g.nextNode = max(d.g.nextNode, int(nd.Id)+1)
	for _, id := range nd.Inputs {
		v, ok := d.values[id]
		if !ok {
			return fmt.Errorf("input value %d is not defined before the node", id)
		}
		n.Inputs = append(n.Inputs, v)
	}
	for i, o := range nd.Outputs {
		s, err := decodeSpec(o.Spec)
		if err != nil {
			return fmt.Errorf("output %d: %w", i, err)
		}
		v, err := d.define(o.Id, s, KindOutput)
		if err != nil {
			return err
		}
		v.Producer, v.Index = n, i
		n.Outputs = append(n.Outputs, v)
	}
	d.g.Nodes = append(d.g.Nodes, n)
	return nil
}

func decodeSpec(s *graphpb.TensorSpec) (core.Spec, error) {
	if s == nil {
		return core.Spec{}, fmt.Errorf("missing spec")
	}
	dt, err := dtype.Parse(s.Dtype)
	if err != nil {
		return core.Spec{}, err
	}
	if len(s.Shape) > 64 {
		return core.Spec{}, fmt.Errorf("rank %d is too large", len(s.Shape))
	}
	sh := make(shape.Shape, len(s.Shape))
	for i, d := range s.Shape {
		if d < -1 || d > 1<<40 {
			return core.Spec{}, fmt.Errorf("dimension %d is %d", i, d)
		}
		sh[i] = int(d)
	}
	return core.Spec{DType: dt, Shape: sh}, nil
}

func decodeTensor(td *graphpb.TensorData) (*tensor.Tensor, error) {
	if td == nil {
		return nil, fmt.Errorf("missing tensor")
	}
	s, err := decodeSpec(td.Spec)
	if err != nil {
		return nil, err
	}
	return tensor.FromBytes(s.DType, s.Shape, td.Data)
}

// decodeParams fills a new params value of op's type from attributes, by field name.
func decodeParams(op *core.Op, attrs map[string]*graphpb.AttrValue, depth int) (any, error) {
	ptr := reflect.ValueOf(op.NewParams())
	v := ptr.Elem()
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("params type %v is not a struct", v.Type())
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sf, ok := v.Type().FieldByName(name)
		f := v.FieldByName(name)
		if !ok || skipField(sf) || !f.CanSet() {
			return nil, fmt.Errorf("unknown attribute %q", name)
		}
		if err := decodeAttr(f, attrs[name], depth); err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
	}
	return v.Interface(), nil
}

func decodeAttr(f reflect.Value, a *graphpb.AttrValue, depth int) error {
	if a == nil {
		return fmt.Errorf("missing value")
	}
	if f.Type() == graphType {
		x, ok := a.Value.(*graphpb.AttrValue_Graph)
		if !ok || x.Graph == nil {
			return fmt.Errorf("value %T does not fit a subgraph field", a.Value)
		}
		sub, err := unmarshalDef(x.Graph, depth+1)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(sub))
		return nil
	}
	mismatch := fmt.Errorf("value %T does not fit a field of type %v", a.Value, f.Type())
	if f.Type() == dtypeType {
		x, ok := a.Value.(*graphpb.AttrValue_Dtype)
		if !ok {
			return mismatch
		}
		dt, err := dtype.Parse(x.Dtype)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(dt))
		return nil
	}
	switch x := a.Value.(type) {
	case *graphpb.AttrValue_B:
		if f.Kind() != reflect.Bool {
			return mismatch
		}
		f.SetBool(x.B)
	case *graphpb.AttrValue_I:
		switch f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if f.OverflowInt(x.I) {
				return fmt.Errorf("%d overflows %v", x.I, f.Type())
			}
			f.SetInt(x.I)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if x.I < 0 || f.OverflowUint(uint64(x.I)) {
				return fmt.Errorf("%d overflows %v", x.I, f.Type())
			}
			f.SetUint(uint64(x.I))
		default:
			return mismatch
		}
	case *graphpb.AttrValue_F:
		if f.Kind() != reflect.Float64 && f.Kind() != reflect.Float32 {
			return mismatch
		}
		f.SetFloat(x.F)
	case *graphpb.AttrValue_S:
		if f.Kind() != reflect.String {
			return mismatch
		}
		f.SetString(x.S)
	case *graphpb.AttrValue_Ints:
		if f.Kind() != reflect.Slice || (f.Type().Elem().Kind() != reflect.Int && f.Type().Elem().Kind() != reflect.Int64 && f.Type().Elem().Kind() != reflect.Int32) {
			return mismatch
		}
		s := reflect.MakeSlice(f.Type(), len(x.Ints.GetValues()), len(x.Ints.GetValues()))
		for i, n := range x.Ints.GetValues() {
			if s.Index(i).OverflowInt(n) {
				return fmt.Errorf("%d overflows %v", n, f.Type().Elem())
			}
			s.Index(i).SetInt(n)
		}
		f.Set(s)
	case *graphpb.AttrValue_Floats:
		if f.Kind() != reflect.Slice || (f.Type().Elem().Kind() != reflect.Float64 && f.Type().Elem().Kind() != reflect.Float32) {
			return mismatch
		}
		s := reflect.MakeSlice(f.Type(), len(x.Floats.GetValues()), len(x.Floats.GetValues()))
		for i, n := range x.Floats.GetValues() {
			s.Index(i).SetFloat(n)
		}
		f.Set(s)
	case *graphpb.AttrValue_Bools:
		if f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Bool {
			return mismatch
		}
		s := reflect.MakeSlice(f.Type(), len(x.Bools.GetValues()), len(x.Bools.GetValues()))
		for i, n := range x.Bools.GetValues() {
			s.Index(i).SetBool(n)
		}
		f.Set(s)
	default:
		return mismatch
	}
	return nil
}
