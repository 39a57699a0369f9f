package web

import (
	"html/template"
	"reflect"
	"testing"
)

// TestCommentDigestCoversEveryField changes each field a template can show
// of a comment, and of a reply, and checks that the digest changes: a
// field left out would let a changed comment show as it was.
func TestCommentDigestCoversEveryField(t *testing.T) {
	base := func() *commentView {
		return &commentView{ID: 7, AuthorName: "Ann", HTML: template.HTML("<p>Hi</p>"), Depth: 1,
			Replies: []*commentView{{ID: 8, AuthorName: "Bob", Depth: 2}}}
	}
	want := base().digest()
	if base().digest() != want {
		t.Fatal("the digest is not stable")
	}
	typ := reflect.TypeOf(commentView{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		for _, which := range []string{"comment", "reply"} {
			v := base()
			target := v
			if which == "reply" {
				target = v.Replies[0]
			}
			fv := reflect.ValueOf(target).Elem().Field(i)
			switch fv.Kind() {
			case reflect.String:
				fv.SetString(fv.String() + "x")
			case reflect.Bool:
				fv.SetBool(!fv.Bool())
			case reflect.Int, reflect.Int64:
				fv.SetInt(fv.Int() + 1)
			case reflect.Slice:
				fv.Set(reflect.Append(fv, reflect.ValueOf(&commentView{ID: 9})))
			default:
				t.Fatalf("field %s of kind %s: teach digest and this test about it", f.Name, fv.Kind())
			}
			if v.digest() == want {
				t.Errorf("changing the %s's %s leaves the digest as it was", which, f.Name)
			}
		}
	}
}
