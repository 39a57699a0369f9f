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

// TestSidebarDigestCoversEveryField does for the sidebar's lists what
// TestCommentDigestCoversEveryField does for comments.
func TestSidebarDigestCoversEveryField(t *testing.T) {
	digest := func(data any) [32]byte {
		sum, err := sidebarDigest("sidebar-part", data)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	for _, item := range []any{link{Title: "A", URL: "/a/", Children: []link{{Title: "B"}}}, recentComment{Author: "Ann"}} {
		typ := reflect.TypeOf(item)
		for i := range typ.NumField() {
			v := reflect.New(typ).Elem()
			v.Set(reflect.ValueOf(item))
			before := reflect.MakeSlice(reflect.SliceOf(typ), 0, 1)
			before = reflect.Append(before, v)
			want := digest(before.Interface())
			fv := v.Field(i)
			switch fv.Kind() {
			case reflect.String:
				fv.SetString(fv.String() + "x")
			case reflect.Bool:
				fv.SetBool(!fv.Bool())
			case reflect.Int:
				fv.SetInt(fv.Int() + 1)
			case reflect.Slice:
				fv.Set(reflect.Append(fv, reflect.ValueOf(link{Title: "C"})))
			default:
				t.Fatalf("%s.%s of kind %s: teach the digest and this test about it", typ.Name(), typ.Field(i).Name, fv.Kind())
			}
			after := reflect.Append(reflect.MakeSlice(reflect.SliceOf(typ), 0, 1), v)
			if digest(after.Interface()) == want {
				t.Errorf("changing %s.%s leaves the digest as it was", typ.Name(), typ.Field(i).Name)
			}
		}
	}
}
