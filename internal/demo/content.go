package demo

// demoPost is one sample article; Days is how many days before the seed
// it was published.
type demoPost struct {
	Title      string
	Days       int
	Categories []string
	Tags       []string
	Body       string
	Featured   bool
}

var demoPosts = []demoPost{
	{
		Title: "Start Every Call With the Customer's Calendar", Days: 2,
		Categories: []string{"Selling/Prospecting"}, Tags: []string{"calls", "planning"},
		Featured: true,
		Body: `Before you pick up the phone, open the customer's calendar in your head. What is on their desk this week? A board meeting, a product launch, a budget review?

Calls that begin with *their* week get a second call. Calls that begin with *your* quota rarely do.

<!--more-->

## Three questions before you dial

1. What changed for this customer since we last spoke?
2. What decision are they facing in the next thirty days?
3. What would make this call worth fifteen minutes of their time?

Write the answers down. If you cannot answer the third question, do not make the call yet — send something useful instead and earn the conversation.`,
	},
	{
		Title: "Why Your Best Prospects Say \"Not Now\"", Days: 9,
		Categories: []string{"Selling/Objections"}, Tags: []string{"objections", "timing"},
		Body: `"Not now" is the most honest objection you will hear. It means the prospect sees value, but not enough urgency to move something else off the list.

Your job is not to argue with the timing. Your job is to understand what *would* make it the right time, and to stay useful until then.

<!--more-->

Ask: "When you picture this project going well, what has to happen first?" The answer is your next appointment.`,
	},
	{
		Title: "The Weekly Review That Doubled My Follow-Ups", Days: 16,
		Categories: []string{"Habits"}, Tags: []string{"planning", "follow-up"},
		Body: `Every Friday at three I close the inbox and spend forty minutes with one list: every open conversation, the last thing I promised, and the next thing the customer needs.

It is not glamorous. It is the single habit that moved more deals for me than any closing technique.

- Promises kept build trust faster than presentations.
- A follow-up with something new in it is never a nag.
- Anything with no next step gets one, or gets closed.`,
	},
	{
		Title: "Price Is a Question About Risk", Days: 30,
		Categories: []string{"Selling/Objections"}, Tags: []string{"pricing", "objections"},
		Body: `When a buyer says "it costs too much", they are rarely comparing your number with a cheaper one. They are weighing the number against the risk that it does not work.

Lower the risk and the price conversation changes: pilots, milestones, references from customers who look like them, a clear plan for the first ninety days.`,
	},
	{
		Title: "Café Conversations: Listening Beats Pitching", Days: 45,
		Categories: []string{"Habits"}, Tags: []string{"listening"},
		Body: `A coffee with a customer is not a meeting with a smaller table. Leave the slides behind and bring two good questions.

The salesperson who listens for twenty minutes learns what the one who pitches for twenty minutes never will: how the customer *talks* about the problem. Use their words next time, and they will hear their own thinking in your proposal.`,
	},
}

// longArticle is a post of about 1,300 words, for a realistic article page.
var longArticle = demoPost{
	Title: "What Business Are You Really In?", Days: 5,
	Categories: []string{"Selling"}, Tags: []string{"strategy", "customers", "questions"},
	Featured: true,
	Body: `Ask a room of salespeople what business they are in and most will name a product: software, insurance, industrial pumps. Ask their customers the same question about them and you will hear something different — or, worse, nothing at all.

This article is about closing that gap. It is the question I come back to every month, and the one I ask every team I work with before we touch a single script or forecast.

<!--more-->

## The first answer is what people see

The first answer to "what business are you in?" is the one on your business card. It describes what you do, in the words of your own industry. It is accurate, and it is almost useless to a customer, because it describes you rather than them.

When a prospect hears "we sell payroll software", they file you with every other payroll vendor they have ever met. The conversation that follows is about features and price, because that is the only ground on which two identical-sounding vendors can be compared. You have volunteered to be a commodity.

There is nothing wrong with the first answer. You need it for the trade show badge. But if it is the only answer you have, every call starts on the back foot.

## The second answer is what you help with

The second answer moves one step toward the customer. "We help finance teams pay people on time without overtime at month end." Now the prospect can picture a problem, and possibly their own.

Most good salespeople live here, and it serves them well. The second answer gets meetings. It gives a discovery call a direction: tell me about month end, tell me about overtime, tell me what happens when a payment is late.

The trouble is that the second answer still stops at the customer's door. It describes a benefit the buyer receives, but buyers do not buy for their own sake. They buy because someone else — their own customer, their boss, their team — needs something from them.

## The third answer is what your customer's customer gets

The third answer is the one that changes how you sell. It asks: when my customer succeeds because of me, who benefits next, and how?

For the payroll vendor, the third answer might be: "Employees who trust that they will be paid correctly stay longer, and our customers spend less hiring." Suddenly the conversation is not about software at all. It is about retention, about the cost of a bad first month for a new hire, about the finance director's reputation with the rest of the leadership team.

When you know the third answer, you stop selling to the person in front of you and start helping them sell to the people in front of *them*. That is a very different meeting. It is one they want to have.

## Why the third answer is hard to find

If the third answer is so valuable, why do so few salespeople use it? Three reasons come up again and again.

First, it is not in the training material. Product training teaches the first answer. Sales methodology, at its best, teaches the second. The third lives in the customer's business, and you only learn it by asking about things that seem to have nothing to do with your product.

Second, it takes time. You cannot guess a customer's customer. You have to ask, listen, and often go back with a better question. In a quarter that measures activity, an hour spent understanding someone else's market feels like an hour lost.

Third, it is humbling. The third answer reveals that your product is a means to an end — sometimes a small one. Salespeople who are proud of what they sell can find that uncomfortable. The best ones find it freeing.

## How to find it: questions that work

You will not find the third answer by asking "who are your customers?" That question gets a segment, not a story. Try these instead, and write down the exact words you hear:

- "When this works well for you, who notices first?"
- "What does your best customer say about you that your competitors' customers don't say about them?"
- "If we got this right, what would your team stop having to apologise for?"
- "What would your own customers complain about if this went wrong?"

Notice that none of them mention your product. They invite the buyer to talk about the thing they care about most: how they are seen by the people they serve.

## Put it to work this week

Knowing the third answer is only useful if it changes what you do. Here are four ways to put it to work in the next five days.

**Rewrite your opening.** Take the first two sentences you use on a call and replace anything about you with something about your customer's customer. If you sell to restaurants, talk about diners. If you sell to schools, talk about students and parents.

**Change your case studies.** Most case studies end with the customer's result: "reduced processing time by 40%". Add one more line about what that result meant downstream. "Which meant the clinic could see eleven more patients a week" is a sentence a prospect remembers.

**Ask your customers directly.** Schedule fifteen minutes with three existing customers and ask them what business they think you are in. You will be surprised — sometimes flattered, sometimes corrected — and you will come away with words no marketing team could invent.

**Review your pipeline through the third lens.** For each open opportunity, write one sentence about who benefits if the deal closes and the project succeeds. If you cannot write it, you have found your next discovery question.

## A note for managers

If you lead a team, the third answer is also a coaching tool. In pipeline reviews, stop asking only "what's the next step?" and start asking "what does the customer's customer get?" Reps who can answer that question close more, forecast better, and lose fewer deals to "no decision", because they understand what is really at stake for the buyer.

It also makes for better hiring. In interviews, ask candidates what business their current employer is in. The ones who answer with the customer's customer already sell the way you want your team to sell.

## The question never stops being useful

Markets move, customers change, products evolve. The answer you find this month may not hold next year. That is why this is a question to ask regularly rather than once. Put it on your calendar: the first Monday of every month, fifteen minutes, one question.

What business are you in? Answer it from where your customer's customer stands, and you will never again sound like everyone else in the lobby.

If this was useful, the weekly tip goes deeper on one of these questions every Tuesday. Sign up below, and reply to any issue with the answer you found — I read every one.`,
}

// aboutPage and servicesPage show pages with a parent.
var aboutPage = demoPost{
	Title: "About",
	Body: `I help salespeople and their managers sell more by understanding their customers better.

For twenty years I have coached teams in software, manufacturing and professional services. This site is where I write down what I learn, every week.`,
}

var servicesPage = demoPost{
	Title: "Services",
	Body: `## Keynotes

Sixty minutes on one idea your team will use the next morning.

## Team coaching

A quarter of weekly sessions with your sales team, built around your real pipeline.

## One-to-one coaching

For managers and senior sellers who want a thinking partner.`,
}

// fillerParagraphs build the extra generated posts of --demo-posts.
var fillerParagraphs = []string{
	"Good selling starts with a good question, and the best questions are about the customer's world rather than your product.",
	"Follow up with something new every time: an idea, an article, a number they did not have. A follow-up that carries value is never a nag.",
	"Write down what the customer said in their own words. Next time, use those words, and they will hear their own thinking in your proposal.",
	"A pipeline is a list of promises. Review it weekly, keep the promises, and close or drop what has no next step.",
	"Price objections are usually risk objections. Reduce the risk and the price conversation changes.",
}
