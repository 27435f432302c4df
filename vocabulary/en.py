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
        "spam_calls": ("spam", "robocall", "robocalls", "scam"),
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
                   "not renew", "stop renewing"),
        "lapsed": ("cancelled", "canceled", "suspended", "deactivated", "disconnected", "terminated", "cut off",
                   "shut off", "turned off", "closed", "suspend", "suspension"),
        "reactivate": ("reactivate", "re activate", "reactivation", "reconnect", "restore", "reinstate", "unsuspend",
                       "activate", "back on", "number back", "line back", "service back", "account back",
                       "working again", "work again"),
        "change": ("change", "changing", "switch", "swap", "different", "new", "another", "replace", "other"),
        "dislike": ("don t like", "dont like", "do not like", "hate", "dislike", "ugly", "terrible", "hard to remember",
                    "impossible to remember"),
        # Calls for the number's previous owner: R11 fix 4 (a new number) without the word "number".
        "wrong_calls": ("someone else", "somebody else", "previous owner", "for someone", "wrong number calls",
                        "asking for"),
        "block": ("block", "blocking", "blok", "blck", "blcok", "bock"),
        "spam": ("spam", "spamm", "spammers", "spammer", "robocall", "robocalls", "robo calls", "scam", "scams", "scammers",
                 "telemarketer", "telemarketers", "telemarketing", "junk calls", "unwanted calls", "harassing"),
        "unblock": ("unblock", "unblocking", "un block", "remove the block", "remove block", "stop blocking",
                    "by mistake", "by accident", "undo"),
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
        "definitely", "all", "correct", "proceed", "please do", "no", "problem", "and",
    }),
    # What may follow a "no" and keep it a plain no ("no, don't cancel it", "nope, I'm good").
    "no_rest": frozenset({
        "cancel", "change", "block", "do", "anything", "please", "dont", "don", "t", "i", "m", "im", "good", "fine",
        "pass", "interested", "leave", "alone", "as", "is", "thats", "what", "wanted", "wrong", "need", "me", "ok",
        "okay", "sorry", "that", "mean", "correct", "nothing", "don t", "thanks", "thank", "you", "not", "one",
        "this", "it", "want", "no", "nope", "nah", "sir", "way", "s", "the", "right", "now", "yet", "thx", "ty",
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
