package nn

// Freezing layers made of other layers: each passes SetTrainable on to the layers it holds, so
// that freezing a block freezes every weight inside it, as Keras's layer.trainable does.

// setTrainable applies SetTrainable(on) to the layers that have it.
func setTrainable(on bool, ls ...Layer) {
	for _, l := range ls {
		if s, ok := l.(interface{ SetTrainable(bool) }); ok {
			s.SetTrainable(on)
		}
	}
}

// SetTrainable freezes (false) or unfreezes (true) the layer and its cell, as [Base.SetTrainable].
func (l *RNNLayer) SetTrainable(on bool) {
	l.Base.SetTrainable(on)
	setTrainable(on, l.cell)
}

// SetTrainable freezes (false) or unfreezes (true) both directions, as [Base.SetTrainable].
func (l *BidirectionalLayer) SetTrainable(on bool) {
	l.Base.SetTrainable(on)
	setTrainable(on, l.fwd, l.bwd)
}

// SetTrainable freezes (false) or unfreezes (true) the wrapped layer, as [Base.SetTrainable].
func (l *TimeDistributedLayer) SetTrainable(on bool) {
	l.Base.SetTrainable(on)
	setTrainable(on, l.inner)
}

// SetTrainable freezes (false) or unfreezes (true) the block's attention, normalisation and
// feed-forward layers, as [Base.SetTrainable].
func (l *TransformerEncoderLayer) SetTrainable(on bool) {
	l.Base.SetTrainable(on)
	setTrainable(on, l.mha, l.attnNorm, l.ffNorm, l.ffIn, l.ffOut)
}
