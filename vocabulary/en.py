"""English."""

import re

from vocabulary import Vocabulary
from vocabulary.lexicon import Lexicon

AGENT = ("agent", "person", "representative", "human", "operator", "someone", "real person")

WORDS = Vocabulary(
    lang="en",
    opt_out=frozenset({
        "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
        "opt out", "stop texting me", "stop texting", "stop messaging me", "stop sending me texts",
        "please stop", "stop please", "no more texts", "remove me", "unsubscribe me",
        # R16: "all" doesn't make CANCEL a request for a plan (the confirmation says how to cancel one)
        "cancel all", "end all", "cancel everything", "stop everything", "end everything",
    }),
    opt_in=frozenset({"start", "unstop", "yes"}),
    help=frozenset({"help", "info", "commands", "menu"}),
    more=frozenset({"more", "more plans"}),
    commands=(
        (("change", "number"), "change_number"),
        (("stop", "plan"), "cancel_plan"),
        (("cancel", "plan"), "cancel_plan"),
        (("cancel", "line"), "cancel_line"),
        (("plans",), "plans"),
        (("plan",), "plans"),
        (("status",), "plans"),
        (("refund",), "refund"),
        (("refunds",), "refund"),
        (("reactivate",), "reactivate"),
        (("unblock",), "unblock"),
        (("block",), "block"),
        (("call", "me"), "callback"),
        (("call", "me", "back"), "callback"),
        (("agent",), "agent"),
        (("human",), "agent"),
        (("person",), "agent"),
        (("representative",), "agent"),
    ),
    yes=frozenset({"yes", "y", "confirm", "yes confirm", "yes please"}),
    no=frozenset({"no", "n", "nope", "no thanks", "not now", "dont", "don t", "do not", "keep",
                  # R18: a hesitation ends the request too (issue 22: the proposal is not read again)
                  "actually no", "no actually", "wait", "no wait", "hold on", "wait a minute", "not yet", "no no",
                  "never mind", "nevermind", "keep it", "i want to keep it", "i d rather not", "no i d rather not"}),
    skip=frozenset({"skip", "cancel", "no", "continue", "go on", "no thanks"}),
    accept=frozenset({"fix", "yes", "y", "ok", "okay", "sure", "yes please"}),
    agent=AGENT,
    repeat=("repeat", "say that again", "again"),
    forgot=("code", "forgot", "forget", "forgotten", "don t know my pin", "dont know my pin", "don t remember",
            "dont remember", "lost my pin", "reset my pin", "new pin", "no pin", "don t have my pin", "dont have my pin"),
    reasons={
        "calling_problems": ("call", "calls", "calling", "voice"),
        "number_cancelled": ("cancelled", "canceled", "deactivated", "suspended"),
        "no_ring_or_texts": ("ring", "ringing", "texts", "notifications", "receive"),
        "dislike_number": ("like", "number", "change"),
        "spam_calls": ("spam", "robocall", "robocalls", "scam", "scams", "telemarketer", "telemarketers",
                       "telemarketing", "junk calls"),
    },
    main_menu=(
        (AGENT, "agent"),
        (("cancel line", "cancel my line", "whole line", "cancel the line", "close my account",
          "cancel my account", "cancel everything"), "cancel_line"),
        (("cancel plan", "cancel a plan", "cancel my plan", "add on", "addon", "call recording",
          "text archive"), "cancel_plan"),
        (("cancel", "stop", "quit"), "cancel_menu"),
        (("refund", "money back"), "refund"),
        (("problem", "not working", "ring", "text", "calls", "can t hear"), "problems"),
        (("reactivate", "turn back on", "restore"), "reactivate"),
        (("change", "new number", "different number"), "change_number"),
        (("unblock",), "unblock"),
        (("block", "spam"), "block"),
        (("repeat", "again", "menu"), "repeat"),
        (("plans", "status", "balance"), "plans"),
        (("espanol", "spanish"), "spanish"),
    ),
    cancel_menu=(
        (AGENT, "agent"),
        (("line", "everything", "account"), "cancel_line"),
        (("plan", "add on", "addon", "feature"), "cancel_plan"),
        (("repeat", "again"), "repeat"),
    ),
    markers=frozenset({"the", "my", "please", "want", "i", "hello", "hi", "thanks", "how"}),
    cancel=frozenset({"cancel"}),
    more_menu=frozenset({"more", "number", "my number", "other", "other things", "more options"}),
    to_menu=frozenset({"menu", "main menu", "the menu", "yes", "yes please", "yeah", "yep", "sure", "ok", "okay"}),
    goodbye=frozenset({"goodbye", "good bye", "bye", "bye bye", "no", "no thanks", "no thank you", "nope", "nothing",
                       "nothing else", "that s all", "that s it", "that is all", "i m done", "im done", "done",
                       "all done", "hang up", "end the call"}),
)

# For free text (vocabulary/understand.py): the words that name each change, and what they act on.
LEXICON = Lexicon(
    lang="en",
    actions={
        "cancel": ("cancel", "cancels", "canceling", "cancelling", "cancellation", "cxl", "cncl", "terminate",
                   "close", "deactivate", "disconnect", "discontinue", "end", "stop", "quit", "remove",
                   "kill", "get rid of", "turn off", "unsubscribe", "don t renew", "dont renew", "do not renew",
                   "not renew", "stop renewing", "delete", "erase", "shut down", "close down"),
        "lapsed": ("cancelled", "canceled", "suspended", "deactivated", "disconnected", "terminated", "cut off",
                   "shut off", "turned off", "closed", "suspend", "suspension", "deleted", "erased"),
        "reactivate": ("reactivate", "re activate", "reactivation", "reconnect", "restore", "reinstate", "unsuspend",
                       "activate", "back on", "number back", "line back", "service back", "account back",
                       "working again", "work again"),
        "change": ("change", "changing", "switch", "swap", "different", "new", "another", "replace", "other"),
        "dislike": ("don t like", "dont like", "do not like", "hate", "dislike", "ugly", "terrible", "hard to remember",
                    "impossible to remember"),
        # Calls for the number's previous owner: R11 fix 4 (a new number) without the word "number".
        "wrong_calls": ("someone else", "somebody else", "previous owner", "for someone", "wrong number calls",
                        "asking for"),
        "block": ("block", "blocking", "blok", "blck", "blcok", "bock", "threatening", "threatens", "threats",
                  "from calling me", "from texting me"),
        "spam": ("spam", "spamm", "spammers", "spammer", "robocall", "robocalls", "robo calls", "scam", "scams", "scammers",
                 "telemarketer", "telemarketers", "telemarketing", "junk calls", "unwanted calls", "harassing"),
        "unblock": ("unblock", "unblocking", "un block", "remove the block", "remove block", "stop blocking",
                    "by mistake", "by accident", "undo", "off blocked", "off the blocked list", "off my blocked list",
                    "off the block list", "off my block list", "from my block list", "from the block list",
                    "from my blocked list", "from the blocked list", "remove my blocks", "remove all my blocks",
                    "remove all blocks"),
        "optout": ("opt out", "opt me out", "optout", "unsubscribe", "unsubscribe me"),
        "stop": ("stop", "unsubscribe", "quit", "remove", "opt out", "no more", "don t send", "dont send",
                 "don t text", "dont text", "take me off", "don t want", "dont want", "do not want"),
    },
    objects={
        "line": ("line", "number", "phone number", "account", "service", "everything", "phone", "cell", "whole thing", "all of it"),
        "plan": ("plan", "plans", "add on", "add ons", "addon", "addons", "feature", "features", "renewal",
                 "auto renew", "autorenew", "renew", "renewing"),
        "number": ("number", "phone number", "num"),
        # What a line is like now (PLANS), and words that look like typos of actions but aren't.
        "status": ("active", "status", "balance", "credit", "credits", "activated", "actively"),
        "texts": ("text", "texts", "txt", "txts", "texting", "txting", "message", "messages", "msg", "msgs",
                  "messaging", "sms", "list", "these"),
    },
    negations=("not", "never", "don t", "dont", "do not", "doesn t", "didn t", "won t", "no", "no way", "nope"),
    plan_names={
        "Text Archive": ("text archive", "txt archive", "texts archive", "message archive", "archive", "archiving"),
        "Call Recording": ("call recording", "call recordings", "call rec", "recording", "recordings", "recorder",
                           "recording calls"),
    },
    ordinals={
        1: ("1", "one", "first", "the first", "first one", "the first one", "option 1", "option one", "number one",
            "number 1", "1st"),
        2: ("2", "two", "second", "the second", "second one", "the second one", "option 2", "option two",
            "number two", "number 2", "2nd", "the other", "the other one", "the last one", "last one"),
    },
    line_digits=("ending", "ending in", "ends in", "ends with", "last 4", "last four", "last digits"),
    plain=("active", "actively", "cancer", "canceler"),
    past=("did", "didn t", "was", "were", "got", "been"),
    others=("his", "her", "their", "hers", "theirs"),
)

# The dialogue acts' words (vocabulary/acts.py pools every language's: a turn may mix them), folded.
ACT_WORDS = {
    # What may come with thanks or a goodbye and ask for nothing ("thanks so much for your help").
    "filler": frozenset({
        "great", "ok", "okay", "perfect", "awesome", "cool", "so", "much", "very", "you", "a", "lot", "really", "it",
        "thanks", "thank", "for", "your", "the", "help", "all", "again", "nice", "good", "alright", "well", "oh", "ah",
        "wonderful", "excellent", "amazing", "super", "and", "man", "sir", "maam", "ma", "am", "dear", "lol", "haha",
        "k", "kk", "hey", "hi", "u", "that", "s", "is", "was", "helpful", "everything", "today", "now", "guys",
        "have", "day",
    }),
    # R18: what may come with an explicit yes ("yes please", "yes, go ahead").
    "courtesy": frozenset({
        "m", "im", "am", "certain", "positive", "exactly", "indeed", "yes", "yep", "100", "please", "pls", "plz",
        "thanks", "thank", "you", "thx", "ty", "go", "ahead", "do", "it", "ok", "okay", "great", "perfect", "fine",
        "that", "s", "right", "i", "so", "much", "very", "sir", "maam", "now", "just", "good", "sure", "absolutely",
        "definitely", "all", "correct", "proceed", "please do", "no", "problem", "and", "ma", "understand",
        "understood", "uh", "um", "uhm", "er",
    }),
    # What may follow a "no" and keep it a plain no ("no, don't cancel it", "nope, I'm good").
    "no_rest": frozenset({
        "cancel", "change", "block", "do", "anything", "please", "dont", "don", "t", "i", "m", "im", "good", "fine",
        "pass", "interested", "leave", "alone", "as", "is", "thats", "what", "wanted", "wrong", "need", "me", "ok",
        "okay", "sorry", "that", "mean", "correct", "nothing", "don t", "thanks", "thank", "you", "not", "one",
        "this", "it", "want", "no", "nope", "nah", "sir", "way", "s", "the", "right", "now", "yet", "thx", "ty",
        "doing", "changed", "mind", "forget",
    }),
    # What may come with a greeting ("hi there, how are you doing today?").
    "greet_filler": frozenset({
        "it", "going", "s", "doing", "today", "this", "everyone", "folks", "guys", "all", "team", "up", "sup",
        "what", "whats", "day", "evening", "morning", "afternoon", "i", "m", "im", "fine", "you", "u", "yall", "hi",
        "hello", "hey", "there", "good", "how", "are", "anyone", "is", "yo", "ma", "am", "sir", "again", "hiya",
        "howdy", "greetings",
    }),
}
# How people name this language, in any language (folded): asking for it or refusing it (R20).
LANGUAGE_NAMES = ("ingles", "english")

# Language identification (vocabulary/language_id.py): English function words and everyday words of
# this product, folded; 2 = unmistakable. A word ending in EVIDENCE_SUFFIX counts 1 when no table has it.
LANGUAGE_EVIDENCE = {
    2: """the you your my what when where why how which who whose is are am was were do does did don doesn
    didn can could would will won should shall have has had want need please pls thanks thank and or of for
    with this that these those it its in on at be been get got just about from they them their someone
    somebody if so our we us all up out back right now there here an by not keep stop cancel block number
    line phone call calls text texts new change help hello yes yeah yep nope hey hi hmm bye goodbye okay sure
    wait actually never mind forgot forget remember pin code talk speak person human agent real refund money
    plans account service area ending last four want wanna gonna gotta im ive id dont cant wont isnt
    arent didnt doesnt thats whats theres let me mine i really very much too also only still again already
    today tomorrow yesterday month week year day time because but than then some any every each other another
    same different like know think see tell said say told ask asked make made go going come came take took
    give gave send sent use used work working works try trying lost stolen threats calling texting scared
    spam scam number's line's stays end ends ended renew renews billing bill charge charged fee fees free
    english spanish please thanks representative operator technical support good morning afternoon evening
    confirm nah nevermind thx idk dunno unsubscribe unblock recording archive cancelled canceled receive ring
    ringing stopped lol gimme hold hang sec hey thx ty yup yea nvm""".split(),
    1: """a to me""".split(),
}
EVIDENCE_SUFFIX = re.compile(r"(ing|tion|ed|ly|ness|ment|'s)$")
EVIDENCE_MARKS = ""  # English writes no character the other languages don't

# Sentences composed for the dialogue-act model (vocabulary/act_model.py): each change's verb and what
# it acts on, templates of a request, a question and a statement about them ({v} the verb, {o} the
# object), and the verb's other forms the templates name.
_ACT_OBJECTS = {
    "cancel": ["my line", "my plan", "the text archive", "call recording", "my account", "the whole line",
               "my number plan", "the archive", "my subscription", "the recording add on"],
    "block": ["this number", "212 555 0143", "that caller", "them", "(917) 555-0142", "a spam number"],
    "unblock": ["212 555 0143", "my brother's number", "that number"],
    "change": ["my number", "my phone number"],
    "reactivate": ["my line", "my number", "my account"],
}
_ACT_REQUESTS = ["{v} {o}", "please {v} {o}", "I want to {v} {o}", "I need to {v} {o}", "I'd like to {v} {o}",
                 "can you {v} {o}?", "could you please {v} {o}", "I wanna {v} {o}", "help me {v} {o}",
                 "I'm trying to {v} {o}", "go ahead and {v} {o}", "{v} {o} please", "I'm calling to {v} {o}",
                 "need to {v} {o} today", "looking to {v} {o}", "would you {v} {o} for me",
                 "hi, I want to {v} {o}", "ok so I need you to {v} {o}", "{v} {o} now"]
_ACT_QUESTIONS = ["what happens if I {v} {o}?", "how do I {v} {o}", "how can I {v} {o}?", "is there a fee to {v} {o}",
                  "do I keep my number if I {v} {o}?", "will I lose my credits if I {v} {o}", "when does {o} end?",
                  "can I {v} {o} and keep my number?", "how much does it cost to {v} {o}",
                  "if I {v} {o} do I get a refund", "what would happen to my number if I {v} {o}",
                  "I was wondering how to {v} {o}", "I'd like to know what happens if I {v} {o}",
                  "is it possible to {v} {o} online", "does {o} renew automatically?", "when will {o} renew",
                  "{o} stays active until the end of the month, right?", "how long does it take to {v} {o}",
                  "what's the difference if I {v} {o}", "should I {v} {o}?", "why can't I {v} {o}"]
_ACT_STATEMENTS = ["I already {vd} {o}", "my wife wants to {v} her line", "I'm thinking about {vg} {o}",
                   "I don't want to {v} {o}", "someone keeps calling me from 212 555 0143",
                   "somebody keeps texting me threats", "I lost my phone yesterday", "my phone was stolen",
                   "I keep getting spam calls", "my calls keep dropping", "I can't hear my phone ring",
                   "texts aren't coming through since yesterday", "I was charged twice this month",
                   "my son {vd} his line by mistake", "I just got a new phone", "I'm moving to another carrier",
                   "my husband {vd} {o} last week", "the calls go straight to voicemail",
                   "I never asked for {o}", "I might {v} {o} next year", "my line got cancelled for no reason",
                   "they keep calling me at night", "I'm getting robocalls all day", "nobody can reach me",
                   "I think someone is stalking me from a blocked number"]
_ACT_DONE = {"cancel": "cancelled", "block": "blocked", "unblock": "unblocked", "change": "changed",
             "reactivate": "reactivated"}
_ACT_DOING = {"cancel": "cancelling", "block": "blocking", "unblock": "unblocking", "change": "changing",
              "reactivate": "reactivating"}

ACT_SENTENCES = {
    "objects": _ACT_OBJECTS,
    "forms": (("request", _ACT_REQUESTS), ("question", _ACT_QUESTIONS), ("statement", _ACT_STATEMENTS)),
    "inflections": {"vd": _ACT_DONE, "vg": _ACT_DOING},  # "I already cancelled", "thinking about cancelling"
}
