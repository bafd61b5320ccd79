package applications

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tideml/tide/models"
)

// builders maps the names New accepts to the builders.
var builders = map[string]func(...Option) (*models.Model, error){
	"vgg16":       VGG16,
	"resnet50":    ResNet50,
	"inceptionv3": InceptionV3,
	"mobilenetv2": MobileNetV2,
}

// Names returns the names of the applications [New] builds, sorted: "inceptionv3",
// "mobilenetv2", "resnet50", "vgg16".
func Names() []string {
	var out []string
	for n := range builders {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// New builds the application called name — one of [Names], case and "_" ignored, so
// "InceptionV3", "inception_v3" and "inceptionv3" are the same — with opts. It returns an error
// for an unknown name, and the builder's errors.
func New(name string, opts ...Option) (*models.Model, error) {
	f, ok := builders[strings.ReplaceAll(strings.ToLower(name), "_", "")]
	if !ok {
		return nil, fmt.Errorf("%w %q (want one of %s)", errNoModel, name, strings.Join(Names(), ", "))
	}
	return f(opts...)
}
