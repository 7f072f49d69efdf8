package main

import "safelib/internal/catalog"

// sizeValue is a flag holding a size in bytes, written with a unit
// ("32MB", "512KB") as catalog.ParseSize reads it.
type sizeValue struct{ n *int64 }

func (v sizeValue) String() string {
	if v.n == nil {
		return ""
	}
	return catalog.SizeText(*v.n)
}

func (v sizeValue) Set(s string) error {
	n, err := catalog.ParseSize(s)
	if err != nil {
		return err
	}
	*v.n = n
	return nil
}

func (sizeValue) Type() string { return "size" }
