package blog

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SubscriberStatus is where a newsletter subscriber stands. Only active
// subscribers receive issues; a pending one receives nothing but its
// confirmation mail.
type SubscriberStatus string

// Subscriber statuses.
const (
	SubscriberPending      SubscriberStatus = "pending"      // signed up, not confirmed yet (double opt-in)
	SubscriberActive       SubscriberStatus = "active"       // consented: gets every issue
	SubscriberUnsubscribed SubscriberStatus = "unsubscribed" // asked for no more
	SubscriberBounced      SubscriberStatus = "bounced"      // the address refused mail for good
	SubscriberComplained   SubscriberStatus = "complained"   // marked an issue as spam
)

// SubscriberStatuses lists every status, in the order the admin shows them.
var SubscriberStatuses = []SubscriberStatus{SubscriberPending, SubscriberActive, SubscriberUnsubscribed,
	SubscriberBounced, SubscriberComplained}

// ValidSubscriberStatus reports whether s is a known subscriber status.
func ValidSubscriberStatus(s SubscriberStatus) bool {
	for _, x := range SubscriberStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Where a subscriber's consent came from (Subscriber.Source).
const (
	SourceBox     = "box"      // the signup box on every page
	SourcePage    = "page"     // the /subscribe/ page
	SourceComment = "comment"  // "Yes! I want the weekly tip" on the comment form
	SourceAdmin   = "admin"    // added by hand in the admin
	SourceImport  = "import"   // a CSV import
	SourceCLI     = "cli"      // quire subscribers add
	SourceResign  = "resignup" // "Sign up again" on the unsubscribe page
	SourceUnknown = ""         // not recorded
)

// MaxSubscriberName bounds a subscriber's name.
const MaxSubscriberName = 100

// Subscriber is one address on the newsletter's list. The list is the
// newsletter's own: comment follow-ups are a separate list.
type Subscriber struct {
	ID     int64
	Email  string // normalised (NormalizeEmail); unique
	Name   string // optional first name
	Status SubscriberStatus
	// Source says where the subscriber signed up (Source* constants).
	Source string
	// ConsentAt is when the address consented: confirmed the double
	// opt-in, or was imported or added as having consented. Zero while
	// pending, and kept when they leave (it is the record of consent).
	ConsentAt time.Time
	// ConsentSource is how that consent was given ("confirmed link",
	// "import: consent_date 2024-01-02", "admin: added as confirmed").
	ConsentSource string
	// Bounces counts hard bounces since the last successful delivery.
	Bounces   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// StatusAt is when Status last changed.
	StatusAt time.Time
}

// Receives reports whether the subscriber gets issues.
func (s *Subscriber) Receives() bool { return s.Status == SubscriberActive }

// SubscriberEventKind names one entry of a subscriber's history.
type SubscriberEventKind string

// Subscriber history events.
const (
	EventSignup       SubscriberEventKind = "signup"       // asked to subscribe (box, page, comment form)
	EventConfirmSent  SubscriberEventKind = "confirm_sent" // a confirmation mail was written
	EventConfirmed    SubscriberEventKind = "confirmed"    // confirmed the double opt-in
	EventWelcomeSent  SubscriberEventKind = "welcome_sent" // the welcome mail was written
	EventAdded        SubscriberEventKind = "added"        // added by hand (admin or command line)
	EventImported     SubscriberEventKind = "imported"     // came from a CSV import
	EventUnsubscribed SubscriberEventKind = "unsubscribed" // left (link, one-click, admin)
	EventResubscribed SubscriberEventKind = "resubscribed" // signed up again from the unsubscribe page
	EventBounced      SubscriberEventKind = "bounced"      // a hard bounce (Detail says how)
	EventComplained   SubscriberEventKind = "complained"   // a spam complaint
	EventStatus       SubscriberEventKind = "status"       // status set by the admin
	EventEdited       SubscriberEventKind = "edited"       // name or address changed by the admin
	EventSent         SubscriberEventKind = "sent"         // an issue was sent (IssueID)
)

// SubscriberEvent is one line of a subscriber's history.
type SubscriberEvent struct {
	ID           int64
	SubscriberID int64
	At           time.Time
	Kind         SubscriberEventKind
	// Detail says more, in words for the admin ("from the box on /2011/…",
	// "550 5.1.1 no such user").
	Detail string
	// IssueID is the issue the event is about (an unsubscribe from its
	// link, a bounce of its message), 0 when none.
	IssueID int64
}

// SubscriberFilter selects subscribers for the admin's list and exports.
type SubscriberFilter struct {
	Status SubscriberStatus // empty: every status
	Search string           // part of the address or the name
	Limit  int              // 0: no limit
	Offset int
}

// IssueStatus is where a newsletter issue is in its life.
type IssueStatus string

// Issue statuses.
const (
	IssueDraft     IssueStatus = "draft"     // being written
	IssueQueued    IssueStatus = "queued"    // in the tip queue, waiting for a weekly slot
	IssueScheduled IssueStatus = "scheduled" // to be sent at ScheduledAt
	IssueSending   IssueStatus = "sending"   // going out now (deliveries exist)
	IssueSent      IssueStatus = "sent"      // every delivery settled
)

// ValidIssueStatus reports whether s is a known issue status.
func ValidIssueStatus(s IssueStatus) bool {
	switch s {
	case IssueDraft, IssueQueued, IssueScheduled, IssueSending, IssueSent:
		return true
	}
	return false
}

// IssueKind says how an issue came to be.
type IssueKind string

// Issue kinds.
const (
	IssueWritten IssueKind = "issue"  // written in the admin or sent from a file
	IssuePost    IssueKind = "post"   // "Also send this post by email" (PostID)
	IssueDigest  IssueKind = "digest" // the weekly digest of new posts, when the queue was empty
)

// Limits of an issue's fields.
const (
	MaxIssueSubject   = 200
	MaxIssuePreheader = 250
	MaxIssueBody      = 200 << 10
)

// Issue is one newsletter mail, sent (or to be sent) to every active
// subscriber.
type Issue struct {
	ID        int64
	Kind      IssueKind
	Subject   string
	Preheader string // the line mail programs show after the subject
	Body      string // Markdown source
	BodyHTML  string // rendered, sanitised HTML
	Status    IssueStatus
	// QueuePos orders the tip queue (status queued): the lowest goes
	// out at the next weekly slot. 0 when not queued.
	QueuePos int
	// ScheduledAt is when a scheduled issue goes out.
	ScheduledAt time.Time
	// StartedAt is when sending began (deliveries written); SentAt when
	// the last delivery settled.
	StartedAt time.Time
	SentAt    time.Time
	// PostID is the post this issue mails ("Also send this post by
	// email"), 0 for a written issue. A post is mailed at most once.
	PostID    int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the fields an author writes and reports every problem.
func (is *Issue) Validate() error {
	fe := FieldErrors{}
	subject := strings.TrimSpace(is.Subject)
	switch {
	case subject == "":
		fe.Add("subject", "Enter a subject.")
	case utf8.RuneCountInString(subject) > MaxIssueSubject:
		fe.Add("subject", "The subject is longer than "+strconv.Itoa(MaxIssueSubject)+" characters.")
	case strings.ContainsAny(subject, "\r\n"):
		fe.Add("subject", "The subject must be one line.")
	}
	switch {
	case utf8.RuneCountInString(is.Preheader) > MaxIssuePreheader:
		fe.Add("preheader", "The preheader is longer than "+strconv.Itoa(MaxIssuePreheader)+" characters.")
	case strings.ContainsAny(is.Preheader, "\r\n"):
		fe.Add("preheader", "The preheader must be one line.")
	}
	switch {
	case strings.TrimSpace(is.Body) == "":
		fe.Add("body", "Write the issue's text.")
	case len(is.Body) > MaxIssueBody:
		fe.Add("body", "The text is longer than "+strconv.Itoa(MaxIssueBody>>10)+" KB.")
	}
	if !utf8.ValidString(is.Subject + is.Preheader + is.Body) {
		fe.Add("body", "The text is not valid UTF-8.")
	}
	return fe.Err()
}

// Editable reports whether the issue's text may still change: not once it
// started going out.
func (is *Issue) Editable() bool {
	return is.Status == IssueDraft || is.Status == IssueQueued || is.Status == IssueScheduled
}

// DeliveryState is where one issue's message to one subscriber is.
type DeliveryState string

// Delivery states. A delivery is recorded "sending" before its message is
// handed to SMTP and "sent" after, so a crash between the two is visible.
const (
	DeliveryQueued  DeliveryState = "queued"  // waiting for its batch
	DeliverySending DeliveryState = "sending" // handed to SMTP, outcome not recorded yet
	DeliverySent    DeliveryState = "sent"    // accepted by the SMTP server
	DeliveryFailed  DeliveryState = "failed"  // given up (retries spent, or the subscriber left first)
	DeliveryBounced DeliveryState = "bounced" // refused for good (5xx, or a bounce reported later)
)

// ValidDeliveryState reports whether s is a known delivery state.
func ValidDeliveryState(s DeliveryState) bool {
	switch s {
	case DeliveryQueued, DeliverySending, DeliverySent, DeliveryFailed, DeliveryBounced:
		return true
	}
	return false
}

// Delivery is one issue's message to one subscriber.
type Delivery struct {
	IssueID      int64
	SubscriberID int64
	State        DeliveryState
	Attempts     int
	// MessageID is the message's stable Message-ID (DeliveryMessageID),
	// so a message sent again after a crash is recognisably the same.
	MessageID string
	Error     string // the last failure, as the server said it
	QueuedAt  time.Time
	SendingAt time.Time // when it was last handed to SMTP
	SentAt    time.Time
	UpdatedAt time.Time
}

// DeliveryMessageID returns the Message-ID (without angle brackets) of
// issue issueID's message to subscriber subscriberID on a site whose mail
// domain is domain: "newsletter.ISSUE.SUBSCRIBER@DOMAIN". It depends on
// nothing else, so every attempt at the same message carries the same ID
// (the store writes the same string when it queues deliveries).
func DeliveryMessageID(issueID, subscriberID int64, domain string) string {
	if domain == "" {
		domain = "localhost"
	}
	return "newsletter." + strconv.FormatInt(issueID, 10) + "." + strconv.FormatInt(subscriberID, 10) + "@" + domain
}

// DeliveryCounts are an issue's deliveries by state, and how many of its
// recipients unsubscribed from its links.
type DeliveryCounts struct {
	Recipients   int
	Queued       int
	Sending      int
	Sent         int
	Failed       int
	Bounced      int
	Unsubscribed int
}

// IssueTracking is what open and click tracking recorded of an issue,
// each subscriber counted once: Opens (subscribers who loaded its image),
// Clickers (subscribers who followed any link) and, by the link's place
// among the issue's links (from 0), how many subscribers followed it.
type IssueTracking struct {
	Opens      int
	Clickers   int
	LinkClicks map[int]int
}

// ValidateSubscriber checks an address and a name typed into a signup form
// or the admin, and reports every problem. The address is normalised
// first.
func ValidateSubscriber(email, name string) error {
	fe := FieldErrors{}
	email = NormalizeEmail(email)
	switch {
	case email == "":
		fe.Add("email", "Enter your email address.")
	case !ValidEmail(email):
		fe.Add("email", "Please enter a valid email address, like name@example.com.")
	}
	if utf8.RuneCountInString(strings.TrimSpace(name)) > MaxSubscriberName {
		fe.Add("name", "The name is longer than "+strconv.Itoa(MaxSubscriberName)+" characters.")
	} else if !utf8.ValidString(name) || strings.ContainsAny(name, "\r\n<>\"") {
		fe.Add("name", "Enter a name without line breaks, quotes or angle brackets.")
	}
	return fe.Err()
}
