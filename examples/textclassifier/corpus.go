package main

import (
	"math/rand/v2"
	"strings"
)

// The synthetic review corpus: short sentences about a film or a book whose sentiment is
// carried by one adjective — unless a "not" before it flips it ("the plot was not really
// good"), so that a bag of words cannot tell and the model has to read in order.
var (
	subjects   = []string{"the movie", "this film", "the plot", "the acting", "the soundtrack", "the ending", "this book", "the dialogue", "the cast", "the story"}
	verbs      = []string{"was", "is", "felt", "seemed", "looked"}
	adverbs    = []string{"", "", "really", "very", "quite", "truly", "rather", "so"}
	positive   = []string{"good", "great", "wonderful", "excellent", "enjoyable", "brilliant", "charming", "superb", "fun", "moving"}
	negative   = []string{"bad", "awful", "boring", "terrible", "dull", "poor", "disappointing", "weak", "silly", "tedious"}
	openers    = []string{"", "", "", "honestly", "i think", "well", "overall", "in my opinion"}
	closers    = []string{"", "", "", "to me", "overall", "i must say", "for sure", "in the end"}
	punctation = []string{".", ".", "!", "...", ""}
)

// review is one sentence and its label (1 positive, 0 negative).
type review struct {
	text  string
	label float32
}

// reviews draws n reviews; about a quarter are negated.
func reviews(rng *rand.Rand, n int) []review {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	out := make([]review, n)
	for i := range out {
		pos := rng.IntN(2) == 1
		adj := pick(negative)
		if pos {
			adj = pick(positive)
		}
		not := rng.IntN(4) == 0
		words := []string{pick(openers), pick(subjects), pick(verbs)}
		if not {
			words = append(words, "not")
		}
		words = append(words, pick(adverbs), adj, pick(closers))
		text := strings.Join(strings.Fields(strings.Join(words, " ")), " ") + pick(punctation)
		if rng.IntN(3) == 0 { // some capitals, which TextVectorization lowercases
			text = strings.ToUpper(text[:1]) + text[1:]
		}
		label := float32(0)
		if pos != not {
			label = 1
		}
		out[i] = review{text: text, label: label}
	}
	return out
}
