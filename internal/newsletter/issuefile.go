package newsletter

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxIssueFile bounds an issue file read from disk (quire newsletter
// send FILE.md): the body's limit and room for the front matter.
const MaxIssueFile = 256 << 10

// ParseIssueFile reads an issue written as a Markdown file with YAML front
// matter between --- lines: subject (else title) and preheader, then the
// body. Other keys are returned as warnings; a problem with the file is an
// error naming its line.
func ParseIssueFile(data []byte) (in IssueInput, warnings []string, err error) {
	if len(data) > MaxIssueFile {
		return in, nil, fmt.Errorf("the file is larger than %d KB", MaxIssueFile>>10)
	}
	if !utf8.Valid(data) {
		return in, nil, fmt.Errorf("the file is not UTF-8 text")
	}
	text := strings.ReplaceAll(string(bytes.TrimPrefix(data, []byte("\ufeff"))), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if strings.TrimRight(lines[0], " \t") != "---" {
		return in, nil, fmt.Errorf("line 1: no front matter: start the file with a line \"---\", then \"subject: …\", then \"---\"")
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t"); l == "---" || l == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return in, nil, fmt.Errorf("line 1: the front matter is not closed: end it with a line \"---\"")
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(lines[1:end], "\n")), &root); err != nil {
		return in, nil, fmt.Errorf("the front matter is not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	keys := map[string]string{}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		m := root.Content[0]
		if m.Kind != yaml.MappingNode {
			return in, nil, fmt.Errorf("line 2: the front matter must be keys and values, like \"subject: This week's tip\"")
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			key, line := strings.ToLower(k.Value), k.Line+1
			switch key {
			case "subject", "title", "preheader":
				if v.Kind != yaml.ScalarNode {
					return in, nil, fmt.Errorf("line %d: %s must be one line of text", line, k.Value)
				}
				if _, dup := keys[key]; dup {
					return in, nil, fmt.Errorf("line %d: %s is given twice", line, k.Value)
				}
				keys[key] = v.Value
			default:
				warnings = append(warnings, fmt.Sprintf("line %d: front matter key %q ignored (an issue has subject, title and preheader)", line, k.Value))
			}
		}
	}
	in.Subject = keys["subject"]
	if strings.TrimSpace(in.Subject) == "" {
		in.Subject = keys["title"]
	}
	in.Preheader = keys["preheader"]
	in.Body = strings.TrimSpace(strings.Join(lines[end+1:], "\n"))
	if strings.TrimSpace(in.Subject) == "" {
		return in, warnings, fmt.Errorf("the front matter has no subject: add a line such as \"subject: This week's tip\"")
	}
	return in, warnings, nil
}
