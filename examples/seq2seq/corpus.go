package main

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// The toy parallel corpus: "English" sentences of a few words and their "translations", the
// words in reverse order, each mapped through a fixed dictionary. A translator has to learn
// the dictionary and to read the source backwards — which attention makes easy: at each
// output step the decoder looks at the source word it translates.
var dictionary = [][2]string{
	{"the", "le"}, {"a", "un"}, {"cat", "chat"}, {"dog", "chien"}, {"bird", "oiseau"},
	{"sees", "voit"}, {"likes", "aime"}, {"eats", "mange"}, {"big", "grand"}, {"small", "petit"},
	{"red", "rouge"}, {"green", "vert"}, {"fish", "poisson"}, {"bread", "pain"}, {"house", "maison"},
	{"tree", "arbre"}, {"under", "sous"}, {"near", "pres"}, {"today", "aujourdhui"}, {"often", "souvent"},
}

// Token ids. Source: 0 padding, then the source words. Target: 0 padding, 1 start, 2 end, then
// the target words.
const (
	padID   = 0
	startID = 1
	endID   = 2
)

// vocab maps words to ids and back for one language.
type vocab struct {
	ids   map[string]int32
	words []string
}

func newVocab(specials []string, words []string) *vocab {
	v := &vocab{ids: map[string]int32{}}
	for _, w := range append(slices.Clone(specials), words...) {
		v.ids[w] = int32(len(v.words))
		v.words = append(v.words, w)
	}
	return v
}

func (v *vocab) size() int { return len(v.words) }

// corpus holds the two vocabularies and the dictionary.
type corpus struct {
	src, tgt  *vocab
	translate map[string]string
}

func newCorpus() *corpus {
	var srcWords, tgtWords []string
	tr := map[string]string{}
	for _, p := range dictionary {
		srcWords, tgtWords = append(srcWords, p[0]), append(tgtWords, p[1])
		tr[p[0]] = p[1]
	}
	return &corpus{src: newVocab([]string{"<pad>"}, srcWords), tgt: newVocab([]string{"<pad>", "<start>", "<end>"}, tgtWords),
		translate: tr}
}

// pair is one sentence and its translation.
type pair struct{ src, tgt []string }

// sample draws n distinct sentences of minLen to maxLen words (uniform over the dictionary)
// with their translations.
func (c *corpus) sample(rng *rand.Rand, n, minLen, maxLen int) []pair {
	seen := map[string]bool{}
	var out []pair
	for len(out) < n {
		words := make([]string, minLen+rng.IntN(maxLen-minLen+1))
		for i := range words {
			words[i] = dictionary[rng.IntN(len(dictionary))][0]
		}
		key := strings.Join(words, " ")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, pair{src: words, tgt: c.reference(words)})
	}
	return out
}

// reference is the translation of a sentence: reversed, word by word.
func (c *corpus) reference(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[len(words)-1-i] = c.translate[w]
	}
	return out
}

// encode returns the model's arrays for pairs: the source ids [n, srcLen] (0-padded), the
// decoder's input [n, tgtLen] (start, then the target words: teacher forcing) and the
// decoder's targets [n, tgtLen] (the target words, then end), with tgtLen = srcLen+1.
func (c *corpus) encode(pairs []pair, srcLen int) (src, decIn, decOut []int32) {
	tgtLen := srcLen + 1
	src = make([]int32, len(pairs)*srcLen)
	decIn = make([]int32, len(pairs)*tgtLen)
	decOut = make([]int32, len(pairs)*tgtLen)
	for i, p := range pairs {
		for j, w := range p.src {
			src[i*srcLen+j] = c.src.ids[w]
		}
		decIn[i*tgtLen] = startID
		for j, w := range p.tgt {
			decIn[i*tgtLen+j+1] = c.tgt.ids[w]
			decOut[i*tgtLen+j] = c.tgt.ids[w]
		}
		decOut[i*tgtLen+len(p.tgt)] = endID
	}
	return src, decIn, decOut
}
