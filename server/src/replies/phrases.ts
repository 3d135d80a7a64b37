import type { ReplyIntent } from '../domain/reply-intents.js';

/**
 * The built-in phrase rules, over normalised text (lower case, accents folded). Each rule has a
 * weight: how sure a match alone makes us. English, Spanish, French, German and Portuguese.
 */
export interface PhraseRule {
  pattern: RegExp;
  weight: number;
}

const rules = (weight: number, ...patterns: RegExp[]): PhraseRule[] => patterns.map((pattern) => ({ pattern, weight }));

export const PHRASES: Partial<Record<ReplyIntent, PhraseRule[]>> = {
  Unsubscribed: [
    ...rules(0.95, /\b(denme|dame|den|deme) de baja\b/, /\bno volver a (escribir|contactar)(me|nos)\b/, /\bretir(er|ez) (mon adresse|mon courriel|mon e-?mail|mon nom|mes coordonnees)\b/, /\bcess(er|ez) de (me )?(contacter|m'ecrire|m'envoyer)\b/, /\bretir(em|ar|e|am) o (meu|nosso) (contacto|contato|e-?mail|endereco)\b/, /\bnao (voltem|volte|voltar) a (enviar|contactar|contatar|escrever)\b/, /\b(remove|delete) (my|our) (address|e-?mail|contact)\b/),
    ...rules(
      0.95,
      /\bunsubscribe me\b/, /^\s*(unsubscribe|stop|remove|remove me|opt out|desuscribir|baja|darme de baja|desinscrire|desabonner|abmelden|austragen|descadastrar|cancelar inscricao)\s*[.!]*\s*$/m,
      /\b(remove|take|delete) (me|us|my (e-?mail|address|name|details|contact))\b.{0,40}\b(from|off)\b.{0,30}\b(list|lists|database|mailing|distribution|system|records|contacts|crm)/,
      /\b(take|remove) me off\b/, /\bopt (me )?out\b/, /\bunsubscribe\b/, /\bunsubscribing\b/,
      /\b(stop|cease|quit) (e-?mailing|emailing|contacting|messaging|sending|writing)\b/, /\bdo not (e-?mail|contact|write to|message) (me|us)\b/, /\bdon'?t (e-?mail|contact|write to|message) (me|us)\b/,
      /\bno (more|further) (e-?mails|emails|messages|contact)\b/, /\bnever (e-?mail|contact) me\b/, /\bmailing list\b.{0,40}\bremove\b/,
      /\b(dar(me|nos)? de baja|darse de baja|borr(ar|en|e)(me)? de (su|la|vuestra)s? (lista|base)|elimin(ar|en|e)(me)? de (su|la|vuestra)s? (lista|base)|no me (vuelvan? a )?(escriba|contacte|envie|mande)n?|dej(e|en) de (escribir|enviar|mandar)(me)?|no (quiero|deseo) recibir)/,
      /\b(desinscri(re|vez|ption)|desabonn|retir(er|ez)(-moi| moi)? de (votre|vos) (liste|fichier|base)|ne (plus )?m'(ecri|envoy|contact)ez plus|ne plus (me )?(recevoir|contacter|ecrire)|arret(er|ez) de m'(ecrire|envoyer|contacter)|supprim(er|ez) (mes donnees|mon adresse|moi))/,
      /\b(abmelden|austragen|aus (ihrem|ihrer|dem) (verteiler|liste|newsletter|datenbank)|keine (weiteren )?(e-?mails|emails|nachrichten|werbung)|nicht mehr (kontaktieren|anschreiben|schreiben)|kontaktieren sie mich nicht|schreiben sie mir nicht|loschen sie (meine|mich))/,
      /\b(descadastr|cancelar (a )?(minha )?inscricao|remov(er|am|a)(-me| me)? da (sua |vossa )?(lista|base)|(nao|parem de) (me )?(envi(ar|em)|mand(ar|em)|contact(ar|em)|escrever)(-me)? (mais )?(e-?mails|emails|mensagens)?|nao quero (mais )?receber|deixem de me (enviar|contactar))/,
      /\bgdpr\b.{0,80}\b(delete|erase|remove)\b|\b(delete|erase) (all )?(my|our) (personal )?data\b/,
    ),
  ],
  Retired: [
    ...rules(0.95, /\b(he|she|has|have|had|i|who|just|recently|officially|since) (\w+ )?retired\b/, /\bretired (on|back|last|in|from|as of|at|after|earlier|this)\b/),
    ...rules(0.95, /\b(have|has|had) (now )?retired\b/, /\b(i am|i'm|he is|she is|he's|she's) (now )?retired\b/, /\bretired (from|as of|at the end|last|in)\b/, /\b(into|enjoying|started( my)?) retirement\b/, /\bmy retirement\b/, /\bhis retirement\b/, /\bher retirement\b/, /\bretirement\b/, /\bretiring\b/),
    ...rules(0.95, /\b(me he jubilado|se (ha )?jubilo|se ha jubilado|jubilad[oa]|jubilacion|me jubile)\b/, /\b(a la retraite|parti[e]? en retraite|prend(s|re) (ma|sa) retraite|retraite)\b/, /\b(ruhestand|in rente|pensioniert|in pension)\b/, /\b(aposentad[oa]|aposentou|me aposentei|aposentadoria|reformad[oa]|reforma)\b/),
  ],
  MovedOut: [
    ...rules(0.9, /\b(left|quit|departed) (the company|the firm|the business|us|[a-z]+) (at the end of|in|last|on|back in|earlier|a few)\b/, /\b(her|his|their) (e-?mails?|mail|messages) (are|is) (being )?(routed|forwarded|redirected)\b/, /\bya no (trabajo|estoy|formo parte)\b/, /\bme fui (de|en)\b/),
    ...rules(0.92, /\bne (fais|fait) plus partie\b/, /\bya no (labora|colabora|trabaja)\b/, /\bsai da\b/, /\b(outra|otra) empresa\b/, /\bune autre (entreprise|societe)\b/, /\b(einem )?anderen unternehmen\b/, /\banother company\b/, /\bcette adresse n'est plus (consultee|active|utilisee)\b/),
    ...rules(
      0.92,
      /\bno longer (with|at|works?|working|employed|part of|a member|an employee|in this role|in the company|at the company)\b/, /\b(has|have) (left|departed|moved on from)\b/, /\bi('ve| have) (left|moved on|changed jobs|joined|started a new)\b/, /\b(left|leave|departed) the (company|organi[sz]ation|business|firm)\b/,
      /\bis not with\b.{0,40}\banymore\b/, /\bnot (work|working) (here|there|at)\b.{0,30}\b(anymore|any longer)\b/, /\bthis (e-?mail|mailbox|address|account) (is|will be) (no longer|not) (monitored|active|in use)\b.{0,80}\b(left|no longer)\b/, /\b(moved on|new role at|new position at|now at|now working (at|for))\b/, /\blast day (at|with|was)\b/,
      /\b(ya no (trabaja|forma parte|esta en|pertenece)|dejo la empresa|ha dejado la empresa|ya no estoy en|he dejado|salio de la empresa|no trabaja mas)\b/,
      /\b(ne fait plus partie|ne travaille plus|a quitte|ai quitte|n'est plus (chez|dans|au sein)|ne suis plus (chez|dans|au sein))\b/,
      /\b(nicht mehr (bei|im unternehmen|fur|in unserem)|hat (das unternehmen|uns) verlassen|habe (das unternehmen )?verlassen|ist ausgeschieden|nicht mehr tatig|scheidet aus|ausgeschieden)\b/,
      /\b(nao (faz|trabalha) mais|ja nao (faz parte|trabalha|esta)|deixou a empresa|saiu da empresa|deixei a empresa|nao pertence mais|nao esta mais)\b/,

    ),
    // A change of role in the same company, with a successor named: the person this was meant for is gone from the role.
    ...rules(
      0.9,
      /\b(i('ve| have)|i) (moved|transferred|switched) (over )?(to|from|into)\b/, /\b(changed|changing|switched) (roles?|positions?|jobs?|departments?)\b/, /\b(a|my) (different|new) (role|position)\b/, /\bno longer (involved|handle|handling|responsible|in charge|cover|covering|look after|looking after|deal with)\b/, /\b(my|his|her) (successor|replacement)\b/, /\b(taken|took) over (my|his|her) (role|responsibilities|duties|position)\b/,
      /\b(change de (poste|fonction|service)|nouvelles fonctions|ne m'occupe plus|ne (suis|est) plus (en charge|responsable)|a repris (mes|ses) (anciennes )?fonctions|mon successeur|ma successeure?)\b/,
      /\b(nicht mehr zustandig|(intern|in eine andere abteilung|in einen anderen bereich) gewechselt|neue (aufgabe|position|funktion)|mein(e)? nachfolger(in)?|die nachfolge)\b/,
      /\b(ya no (me ocupo|llevo|soy (el )?responsable|estoy a cargo)|cambie de (puesto|area|departamento|funciones)|nuevo puesto|mi (sucesor|sucesora|sustitut[oa]))\b/,
      /\b(mudei de (funcoes|funcao|area|cargo|departamento)|deixei de (acompanhar|tratar)|ja nao (acompanho|sou (o |a )?responsavel|trato)|novas funcoes|(o )?meu sucessor|a minha sucessora)\b/,
    ),
  ],
  ReferredSomeone: [
    ...rules(0.85, /\bwrong (guy|one|address|team|person|contact|department)\b/, /\b(he|she|they) (runs|handles|manages|owns|looks after|takes care of|is in charge of|is responsible for|heads|leads|oversees)\b/, /\b(bon|bonne) (interlocuteur|interlocutrice)\b/, /\bprendre contact avec\b/, /\bwenden sie sich .{0,20}\ban\b/, /\bzustandig\b/),
    ...rules(0.85, /\bthe person (you want|to talk to|you should (talk|speak) to|you're looking for|you need)\b/, /\byou can reach (him|her|them)\b/, /\b(let|told) (him|her|them) know\b/, /\b(the|our) (right|best) (contact|person)\b/),
    ...rules(
      0.85,
      /\b(not|n't) (the )?(right|best|correct|appropriate|relevant) (person|contact|one|people)\b/, /\bwrong (person|contact|department)\b/, /\b(reach out|speak|talk|get in touch|contact|write|get in contact|connect) (to|with)\b.{0,60}\b(he|she|they)('s| is| are| handles| looks after| manages| runs| will| would| can| owns| takes care)\b/,
      /\b(please|you should|better to|best to|i suggest you|i'd suggest|i would suggest|try) (reach out|speak|talk|get in touch|contact|write|email|e-mail)\b/, /\b(cc'?d|cc'?ing|copied|copying|looping in|added|forwarding (this|your email|it) to|forwarded (this|your email|it) to|passed (this|it|your email) (on )?to)\b\s+\w+/, /\b(handles|is responsible for|is in charge of|looks after|takes care of|manages|owns) (this|that|these|our|energy|procurement|purchasing|facilities|such)\b/, /\bthe (right|best) (person|contact) (is|would be|to)\b/, /\byour best (bet|contact)\b/,
      /\b(no soy la persona (adecuada|indicada|correcta)|la persona (adecuada|indicada|encargada|responsable) es|le sugiero (contactar|escribir|hablar)|pongase en contacto con|contacte (a|con)|hable con|escriba a|le paso (su|el) (correo|contacto|mensaje)|en copia|le copio|se encarga de|es quien (lleva|gestiona|decide))\b/,
      /\b(je ne suis pas la (bonne )?personne|la bonne personne (est|serait)|(veuillez|merci de) (contacter|vous adresser|ecrire)|je vous invite a contacter|adressez-vous a|contactez plutot|je mets en copie|en copie|s'occupe de|est en charge de|est responsable de|je transmets)\b/,
      /\b(nicht der richtige ansprechpartner|nicht die richtige ansprechpartnerin|richtige ansprechpartner(in)? (ist|ware)|wenden sie sich (bitte )?an|bitte kontaktieren sie|kontaktieren sie bitte|in kopie|in cc|zustandig (ist|fur)|kummert sich um|ist verantwortlich|leite (ihre|die) (e-?mail|nachricht|anfrage) weiter)\b/,
      /\b(nao sou a pessoa (certa|indicada|correta)|a pessoa (certa|indicada|responsavel) (e|seria)|(por favor |pode )?(entre|entrar) em contato com|fale com|contate|escreva para|em copia|coloquei em copia|cuida d|e responsavel|e quem (cuida|decide|trata))\b/,
    ),
  ],
  OutOfOffice: [
    ...rules(0.9, /\b(is|are|will be) closed (for|on|until|from|between|over)\b/, /\b(office|offices|we) (reopen|re-open)s?\b/, /\breopen(s|ing)? on\b/),
    ...rules(
      0.9,
      /\bout of (the )?office\b/, /\b(i am|i'm|i will be|i'll be|currently) (out|away|on (annual |parental |maternity |paternity |sick |medical )?leave|on (vacation|holiday|holidays|a business trip|travel|pto)|travel(l)?ing|attending|at a (conference|trade show|trade fair))\b/, /\b(annual|parental|maternity|paternity|sick|medical) leave\b/, /\blimited (access|availability) to (my )?e-?mail\b/, /\b(will|i'll) (respond|reply|get back|answer)\b.{0,40}\b(upon|on my|when i|after my) return\b/, /\bupon my return\b/, /\b(back in the office|return to the office|back on|returning on|return on)\b/, /\bautomatic reply\b/, /\bauto-?reply\b.{0,40}\baway\b/,
      /\b(fuera de la oficina|ausente|de vacaciones|de viaje|estoy de baja|respuesta automatica|estare fuera|no estare disponible|acceso limitado al correo|a mi regreso|a mi vuelta)\b/,
      /\b(absent(e)?|en conge|en vacances|en deplacement|hors du bureau|reponse automatique|de retour le|a mon retour|acces limite)\b/,
      /\b(buro (ist |bleibt )?(heute )?geschlossen|sind wir wieder|wieder (im buro|erreichbar|fur sie da|da)|office (is )?closed|abwesenheit|abwesend|nicht im (buro|haus)|im urlaub|urlaubsbedingt|auf dienstreise|nach meiner ruckkehr|ab dem .{0,20} wieder|bin ich wieder|eingeschrankt erreichbar|nicht erreichbar|in elternzeit)\b/,
      /\b(fora do escritorio|ausente|de ferias|em viagem|de licenca|resposta automatica|ao meu regresso|no meu retorno|estarei fora|acesso limitado)\b/,
    ),
  ],
  ConnectLater: [
    ...rules(0.88, /\bkommen sie .{0,40}\b(noch einmal|nochmal|wieder|erneut) auf (mich|uns) zu\b/, /\b(melden sie sich|schreiben sie (mir|uns)) .{0,20}\b(noch einmal|nochmal|wieder|erneut)\b/, /\b(escribir|contactar|llamar|escribe|contacta|llama)(me|nos) de nuevo\b/, /\bde nuevo (en|el|la|a partir|despues|dentro)\b/, /\b(de novo|novamente) (em|no|na|daqui|depois|a partir)\b/, /\b(a nouveau|de nouveau) (en|dans|apres|a partir|debut|au)\b/),
    ...rules(0.88, /\b(check|circle|come|get|reach|touch) back (once|when|after|later|in a|next)\b/, /\bcan'?t take on (another|any|a new|new) (project|initiative|vendor)s? (until|before|right now)\b/, /\b(escribe|escriba|contacta|contacte|llama|llame|vuelve|vuelva|escribi)(me|nos)?\b.{0,20}\b(el mes que viene|el proximo|la proxima|dentro de|despues de|a partir de|mas adelante)\b/),
    ...rules(0.88, /\b(drop me a line|drop me a note|write to me|email me|reach out|get in touch|ping me|contact me)\b.{0,20}\b(after|in|from|around|next|early|mid|late)\b.{0,20}\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|week|weeks|month|months|quarter|year|q[1-4])\b/),
    ...rules(
      0.88,
      /\b(reach out|get back|circle back|follow up|check back|check in|touch base|contact me|contact us|try me|try us|ping me|ask me|come back|revisit|reconnect|talk|speak|connect)\b.{0,40}\b(again )?(in|after|next|later|around|early|end of|towards|once|when)\b.{0,30}\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|week|weeks|month|months|quarter|year|q[1-4]|new year|holidays|budget|spring|summer|autumn|fall|winter)\b/,
      /\b(not (right )?now|not at the moment|not at this (time|stage|point)|bad time|timing (isn't|is not|is bad|is wrong|is not great)|too busy|swamped|not a priority (right now|at the moment)|not this (year|quarter)|not before|no budget (left )?(this|until)|budget (is|was) (already )?(set|spent|allocated|frozen|closed))\b.{0,120}\b(next|in|after|later|q[1-4]|january|february|march|april|may|june|spring|summer|year|quarter|month)\b/,
      /\b(maybe|perhaps|possibly) (later|next year|in the new year|next quarter|in a few months|after the holidays)\b/, /\b(later|next) (in the )?(year|quarter)\b.{0,40}\b(better|revisit|again|look)\b/, /\b(let'?s|we can|we could|happy to) (revisit|reconnect|talk|pick (this|it) up)\b.{0,30}\b(later|next|in|after)\b/, /\b(some ?time|sometime) (later|next year|in the future)\b/, /\bafter (the )?(holidays|new year|christmas|summer|budget)\b/, /\blater (this|next) (year|month)\b/, /\b(not|n't) (a|the) (good|right) time\b/,
      /\b(mas adelante|en otro momento|mas tarde|(vuelva|vuelvan) a (contactar|escribir)(me|nos)?|(escribame|contacteme|llameme|contactenos|escribanos) (en|despues|a partir|el proximo|la proxima|dentro)|ahora no es (buen|el) momento|no es (buen|el) momento|el proximo (ano|trimestre|mes)|despues de (las fiestas|navidad|verano))\b/,
      /\b(plus tard|a un autre moment|recontact(er|ez)(-moi| moi|-nous)?|(revenez|reprenez contact) (vers|en|dans|apres|au)|pas le (bon )?moment|ce n'est pas le moment|l'annee prochaine|le trimestre prochain|le mois prochain|apres les fetes|debut (janvier|fevrier|mars|2027))\b/,
      /\b(spater|zu einem spateren zeitpunkt|(melden|kontaktieren) sie sich (gerne )?(wieder|nochmal|erneut|im|in|nach|ab)|derzeit (kein|nicht)|momentan (kein|nicht)|aktuell (kein|nicht)|im neuen jahr|nachstes jahr|im nachsten (jahr|quartal)|nach den (feiertagen|ferien))\b/,
      /\b(mais (para a frente|tarde|adiante)|noutra altura|em outro momento|(volte|voltem) a (entrar em )?(contato|contactar|falar)|(entre|entrem) em contato (novamente|de novo|em|no|depois|a partir)|nao e (o|um) (bom )?momento|agora nao (e|da)|no proximo (ano|trimestre|mes)|ano que vem|depois das (festas|ferias))\b/,
    ),
  ],
  AgreedToMeet: [
    ...rules(0.88, /\b(te|le|les) (viene|va) bien\b/, /\blo hablemos\b/, /\benlace para (reservar|agendar)\b/, /\b(monday|tuesday|wednesday|thursday|friday|lunes|martes|miercoles|jueves|viernes|lundi|mardi|mercredi|jeudi|vendredi|montag|dienstag|mittwoch|donnerstag|freitag|segunda|terca|quarta|quinta|sexta)\b[^.?!\n]{0,25}\b(at |a las |as |a |um |à )?\d{1,2}([:.h]\d{2})\b/),
    ...rules(0.88, /\b(call|chat|meeting|demo|conversation) (makes sense|sounds (good|great|useful))\b/, /\bopen to (a |an )?(\d+[- ]minute |quick |short )?(call|chat|meeting|demo|conversation)\b/, /\bcan we do (next )?(monday|tuesday|wednesday|thursday|friday|tomorrow)\b/, /\b(monday|tuesday|wednesday|thursday|friday)\b.{0,25}\b\d{1,2}(:\d{2})?\s?(am|pm|et|ct|pt|est|cst|pst|cet|gmt|uk time|central|eastern)\b/, /\bgive you (\d+|five|ten|fifteen|twenty|thirty) minutes\b/, /\bcall (me|my cell|my mobile) (on|at)\b/),
    ...rules(
      0.88,
      /\b(happy|glad|open|willing|keen|available|free) to (have a |jump on a |hop on a )?(chat|talk|call|meet|speak|connect|discuss)\b/, /\b(let'?s|let us|we can|we could|shall we|i can|i could|can we) (have a |set up a |schedule a |book a |arrange a |do a |jump on a |hop on a )?(call|chat|talk|meet|meeting|speak|demo|zoom|teams|video call)\b/, /\b(sure|yes|ok|okay|sounds good|why not|happy to)[,.! ]+.{0,40}\b(call|chat|talk|meet|demo)\b/,
      /\b(works for me|work for me|suits me|i'm free|i am free|free on|available on|available (mon|tue|wed|thu|fri)|how about|what about|does (monday|tuesday|wednesday|thursday|friday|\w+ at) \w+ work)\b/, /\b(send|share) (me )?(a |an |your )?(calendar|calendly|booking|meeting) (link|invite|invitation)\b/, /\b(send|set up) (me )?(an |a )?(invite|invitation|meeting request|teams invite|zoom link)\b/, /\b(book|schedule|set up|arrange) (a|the|some) (time|slot|call|meeting|demo)\b/,
      /\b(\d{1,2}(:\d{2})?\s?(am|pm)|\d{1,2}:\d{2})\b.{0,40}\b(works|work|is fine|suits|ok)\b/, /\bmy (calendar|agenda) is\b/, /\b(grab|find) (a )?(time|slot|15 minutes|30 minutes|20 minutes)\b/,
      /\b(podemos (hablar|tener una llamada|reunirnos|quedar|agendar)|me parece bien (una|la) (llamada|reunion)|encantad[oa] de (hablar|tener)|le (va|viene) bien|que tal el (lunes|martes|miercoles|jueves|viernes)|agend(ar|emos)|una llamada (el|la)|estoy disponible|tengo disponibilidad|me viene bien|enviame (una|la) invitacion|envieme (una|la) invitacion)\b/,
      /\b(volontiers pour (un|une) (appel|echange|rendez-vous|call|demo)|on peut (se parler|s'appeler|echanger|caler)|je suis disponible|je suis dispo|ca me va|cela me convient|qu'en pensez-vous de|que diriez-vous|caler un (creneau|rendez-vous|appel)|prendre rendez-vous|un creneau|envoyez(-moi)? une invitation)\b/,
      /\b(gerne (zu )?(einem|ein) (gesprach|telefonat|termin|call|austausch)|gerne telefonieren|konnen wir (gerne )?(telefonieren|sprechen)|passt mir|passt (es )?(ihnen|gut)|bin (ich )?verfugbar|habe ich zeit|termin (vereinbaren|vorschlagen|ausmachen)|wie ware es mit|schicken sie (mir )?(gerne )?eine einladung|kurzes gesprach)\b/,
      /\b(podemos (conversar|falar|marcar|agendar)|vamos marcar|estou disponivel|tenho disponibilidade|pode ser (na|no) (segunda|terca|quarta|quinta|sexta)|fica bom|me envie (um|o) convite|marcar uma (reuniao|chamada|conversa|call)|topo (uma|a) (conversa|call|reuniao))\b/,
    ),
  ],
  InterestedToProceed: [
    ...rules(0.88, /\baller de l'avant\b/, /\b(faire parvenir|envoyer) le contrat\b/, /\bvamos seguir com\b/, /\bcomo fazemos para comecar\b/, /\b(issue|release|raise|send you) (a|the|our) (po|purchase order)\b/, /\bset (you|acme energy|your company) up as a (supplier|vendor)\b/, /\b(supplier|vendor) (setup|set-up|form|onboarding)\b/),
    ...rules(
      0.88,
      /\b(let'?s|we('d| would) like to|we want to|we'd love to|ready to|keen to|happy to|i('d| would) like to) (go ahead|proceed|move forward|get started|start|sign|order|buy|purchase|kick off|roll (it )?out|pilot|trial|try it|run a pilot|start a pilot|go for it)\b/, /\bgo ahead\b/, /\bmove forward\b/, /\b(send|share|forward) (me |us )?(the |a |your )?(contract|agreement|order form|proposal|quote|quotation|sow|purchase order|paperwork|terms|offer)\b/, /\bhow (do|can) we (get started|start|sign up|proceed|move forward|begin)\b/, /\b(sign (us )?up|count us in|we're in|we are in|let'?s do (it|this))\b/, /\bnext steps?\b/, /\b(start|begin|set up|run) (a |the )?(pilot|trial|proof of concept|poc)\b/, /\b(interested in (a |the )?(pilot|trial|quote|rolling|moving|installing|signing))\b/, /\bready to (buy|order|sign|start|commit)\b/,
      /\b(queremos (avanzar|empezar|contratar|seguir adelante|probar)|seguir adelante|sigamos adelante|enviad?(me|nos)? (el|la) (contrato|propuesta|oferta|presupuesto|cotizacion)|como (empezamos|procedemos|seguimos)|proximos pasos|adelante con|nos interesa (contratar|avanzar|empezar|un piloto)|un piloto|una prueba piloto)\b/,
      /\b(nous (souhaitons|voulons|aimerions) (avancer|commencer|lancer|signer|demarrer|proceder)|allons-y|on y va|envoyez(-nous|-moi)? (le contrat|la proposition|le devis|l'offre|un devis)|comment (proceder|demarrer|commencer)|prochaines etapes|lancer un (pilote|test)|un projet pilote)\b/,
      /\b(wir (mochten|wollen|wurden gerne) (starten|beginnen|loslegen|bestellen|fortfahren|weitermachen|ein pilotprojekt|den vertrag)|lassen sie uns (starten|loslegen|beginnen)|schicken sie (uns |mir )?(den vertrag|das angebot|ein angebot|die unterlagen zum vertrag)|wie geht es (jetzt )?weiter|nachste schritte|pilotprojekt|legen wir los)\b/,
      /\b(queremos (avancar|comecar|contratar|seguir em frente|fechar)|vamos (avancar|em frente|fechar|comecar)|envie(-nos|-me)? (o contrato|a proposta|o orcamento|a cotacao)|como (comecamos|procedemos|avancamos)|proximos passos|um (piloto|projeto piloto)|pode(mos)? seguir)\b/,
    ),
  ],
  BrochureSent: [
    ...rules(0.88, /\bput (it|this|that|something) (in writing|in an email|on paper)\b/, /\b(email|send|mail) (it|them|that|something|the details) (here|over|to me|to this address)\b/),
    ...rules(0.88, /\b(anything|something) in writing\b/, /\b(send|share|email|forward) (me |us )?(over )?(the |a |an |some |any |your |more )?(\w+ ){0,2}(data ?sheets?|installation guide|install guide|manual|spec(ification)?s?|brochure|one-pager|case stud(y|ies))\b/),
    ...rules(
      0.88,
      /\b(send|share|email|e-mail|forward|mail|drop|pass) (me |us |over |along )*(some |any |a |an |the |your |more )?(brochure|brochures|deck|slide deck|slides|one-pager|one pager|case stud(y|ies)|pdf|spec sheet|datasheet|data sheet|price list|pricing sheet|pricing|literature|material|materials|info|information|details|documentation|overview|leaflet|flyer|white ?paper|presentation|something in writing|further information|more information|product sheet)\b/, /\b(do you have|have you got|is there) (a |an |any )?(brochure|deck|one-pager|case stud(y|ies)|pdf|something (in writing|i can (read|share|forward|circulate)))\b/, /\bsomething (in writing|to read|i can (read|share|forward|circulate|look at))\b/, /\b(any|some) (written )?(material|literature|documentation)\b/,
      /\b(envi(e|a|ar|en)(me|nos)?|mand(e|a|ar|en)(me|nos)?|compart(a|e|ir)(me|nos)?|remit(a|e|ir)(me|nos)?|hag(a|an)(me|nos)? llegar) (por (correo|email|mail) )?(algun(a|o)?|un(a|o)?|el|la|los|las|mas|su|sus)? ?(folleto|catalogo|presentacion|dossier|ficha tecnica|informacion|documentacion|material|caso de exito|casos de exito|pdf|lista de precios|tarifas|brochure)/,
      /\b(envoy(ez|er)(-moi|-nous| moi| nous)?|transmett(ez|re)(-moi|-nous)?|fai(tes|re) parvenir|partag(ez|er)) (par (e-?mail|mail|courriel) )?(une|la|votre|vos|des|de la|plus d'|un|le)? ?(brochure|plaquette|documentation|presentation|fiche|informations?|cas clients?|etudes? de cas|pdf|grille tarifaire|tarifs|catalogue|dossier)/,
      /\b(schicken|senden|ubermitteln|mailen|lassen) sie (mir |uns )?(gerne |bitte |doch )*(mal |vorab |erst einmal |zunachst )?(ihre |eine |einige |weitere |die |ein |mehr )?(broschure|unterlagen|informationen|infos|prasentation|infomaterial|produktblatt|datenblatt|fallstudien?|referenzen|preisliste|pdf|dokumentation|material)/, /\b(unterlagen|infomaterial|broschure|informationsmaterial)\b.{0,40}\b(zusenden|zuschicken|schicken|senden|per (e-?mail|mail))\b/,
      /\b(envi(e|ar|em)(-me|-nos| me| nos)?|mand(e|ar|em)(-me|-nos| me| nos)?|compartilh(e|ar)|encaminh(e|ar)) (por (e-?mail|email) )?(um|uma|o|a|os|as|mais|algum|alguma|seu|sua|o seu)? ?(folheto|catalogo|apresentacao|material|materiais|informacoes|informacao|estudo de caso|casos de sucesso|pdf|tabela de precos|lista de precos|brochura|documentacao)/,
    ),
  ],
  SeekingMoreInfo: [
    ...rules(0.8, /\b(un par de|unas|algunas) preguntas\b/, /\bcuanto (demora|tarda|cuesta|dura)\b/),
    // A general question, unless it is about us ("who is this?", "where did you get my address?").
    ...rules(0.7, /\b(?!(?:where|how) did you get|who gave you|who is this|who are you)(what|how|which|where|when)\b[^.?!]{3,120}\?/),
    ...rules(0.8, /\b(ein paar|einige|folgende|zwei|drei) fragen\b/, /\bquelques questions\b/, /\b(algunas|unas) preguntas\b/, /\b(algumas|umas) perguntas\b/, /\b(a few|some|couple of) questions\b/, /\b(me gustaria|quisiera|quiero) saber\b/, /\b(j'aimerais|je voudrais) savoir\b/, /\b(ich wurde gerne|ich mochte) wissen\b/, /\b(gostaria|queria) de saber\b/),
    ...rules(
      0.8,
      /\b(how much|what (does|do|would|is|are) (it|this|the|your)|how (does|do|would|long|many)|does (it|this|your)|do you (offer|support|integrate|work|have|need|provide|charge|require|sell|install|cover|handle|also)|is (it|there|this) (compatible|possible|available)|can (it|you|your)|what kind of|which (meters|systems|protocols)|who else|what('s| is) the (cost|price|pricing|catch|contract|minimum|roi|payback|lead time))\b[^?]{0,120}\?/, /\b(question|questions|curious|wondering)\b.{0,80}\?/, /\b(could you|can you) (explain|clarify|tell me|elaborate)\b/,
      /\b(cuanto cuesta|como funciona|que (precio|coste|costo)|(es|son) compatible|funciona con|tienen|ofrecen|que incluye|cuanto tiempo|cuales son|podria(n)? explicar|tengo (una|algunas) pregunta)/, /\b(combien|comment (ca|cela|fonctionne)|est-ce que|quel(le)?s? (est|sont|serait)|avez-vous|proposez-vous|pourriez-vous (m'expliquer|preciser)|j'ai (une|quelques) questions?)/, /\b(wie (viel|funktioniert|lange|hoch)|was kostet|gibt es|ist (das|es) (kompatibel|moglich)|funktioniert (das|es)|welche|bieten sie|haben sie|konnen sie (mir )?(erklaren|sagen)|ich habe (eine|ein paar|einige) fragen?)/, /\b(quanto custa|como funciona|qual (e|o|a)|quais (sao|os|as)|e compativel|funciona com|voces (tem|oferecem|fazem)|podem explicar|tenho (uma|algumas) perguntas?)/,
    ),
  ],
  Deactivated: [
    ...rules(0.75, /\balready (have|work with|use|using|signed|contracted|partnered|got)\b/),
    ...rules(0.85, /\bkeine[nm]? bedarf\b/, /\bnao temos (orcamento|verba|interesse)\b/, /\bsem (orcamento|verba)\b/, /\bpas d'actualite\b/, /\bne (donnerons|donnerai|donnera) pas suite\b/, /\b(isn'?t|is not) something we('d| would) (look at|consider|need)\b/),
    ...rules(
      0.85,
      /\bnot (really |currently |at all )?interested\b/, /\b(no|not) (need|use|interest|fit|budget)\b/, /\b(we|i) (don'?t|do not|won'?t|will not) need\b/, /\bno thanks?( you)?\b/, /\bno,? thank you\b/, /\b(we'?re|we are|i'?m|i am) (all set|covered|good|fine|happy with|already|set)\b/, /\b(not|isn'?t|is not) (a )?(fit|priority|relevant|for us|something we)\b/, /\bpass on this\b/, /\b(we'll|we will|i'll|i will) pass\b/, /\bdecline\b/, /\bnot (looking|in the market)\b/, /\bno (budget|interest|need)\b/, /\bnot for us\b/, /\bplease close\b/, /\b(doesn'?t|does not|wouldn'?t|would not) (make sense|apply|fit)\b/,
      /\b(no (nos|me) interesa|no estamos interesados|no estoy interesad[oa]|no gracias|no, gracias|ya (tenemos|contamos|trabajamos)|no necesitamos|no es (para nosotros|prioridad|relevante)|no encaja|sin presupuesto|no hay presupuesto)\b/,
      /\b(pas interesse(e|s|es)?|ne suis pas interessee?|ne sommes pas interesse(e)?s|non merci|ca ne nous interesse pas|cela ne nous interesse pas|nous avons deja|nous sommes deja|pas besoin|pas pertinent|pas une priorite|nous ne sommes pas|je decline|pas de budget)\b/,
      /\b(kein interesse|nicht interessiert|nein danke|haben bereits|sind bereits|arbeiten bereits|brauchen (wir )?(das )?nicht|benotigen (wir )?keine|kein bedarf|nicht relevant|passt nicht|kein budget|sind gut versorgt|sind versorgt)\b/,
      /\b(nao (temos|tenho) interesse|sem interesse|nao estamos interessados|nao estou interessad[oa]|nao, obrigad[oa]|nao obrigad[oa]|ja (temos|trabalhamos com|contamos com|usamos) (um|uma|o|a|fornecedor|solucao|sistema|contrato|parceiro)|nao precisamos|nao e (prioridade|para nos|relevante)|nao se aplica|sem orcamento)\b/,
    ),
  ],
};

/** Signals that a message is an automatic acknowledgement from a help desk or ticketing system. */
export const SUPPORT_PATTERNS: RegExp[] = [
  /\b(ticket|case|request|incident|reference|ref|caso|solicitud|demande|anfrage|chamado|pedido|vorgang|dossier|protocolo|conversation|incidencia|requisicao|ticketnummer)\b[^a-z0-9]{0,6}(number|no|nr|numero|n\.?o|id)?[^a-z0-9]{0,4}[a-z]{0,5}-?\d{3,}/,
  /\b(support|help ?desk|service desk|customer service|customer care|servicedesk|soporte|atencion al cliente|mesa de ayuda|assistance|service client|kundenservice|kundendienst|suporte|atendimento|self-service portal|help center)\b/,
  /\b(reply above this line|type your reply above|responda por encima de esta linea|escriba su respuesta por encima|repondez au-dessus de cette ligne|bitte oberhalb dieser zeile antworten|responda acima desta linha)\b/,
  /\b(zendesk|freshdesk|jira service|servicenow|help scout|helpscout|zoho desk|kayako|hubspot service|otrs|osticket)\b/,
];
