"""The demo's content pages, written from the service's own report and guidance (../shared/seeds 000 and
004, as summarised in ../shared/brief/notes): only what those say, nothing guessed. Pages staff have
already written are left as they are, so `demo load` never overwrites an editor's work."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.content.models import ContentPage, ContentVersion
from portal.sanitise import rich_text

REVIEW_EVERY = dt.timedelta(days=180)
_WRAPPED = re.compile(r"(?<!>)\n(?!<)")  # a line break inside a paragraph of the texts below

CARERS = {
    "fi": ("Omaishoitajalle", """
<p>Omaishoitaja jaksaa paremmin, kun saa välillä apua ja vapaata. Tässä ovat tukimuodot, joista Seniori-info kertoo
omaishoitajille. Kysy meiltä, mikä sopii juuri teidän perheellenne.</p>
<h2>Omaishoidon kotiavustaja</h2>
<p>Kotiavustaja tulee kotiin avuksi 1–8 tuntia kuukaudessa. Kotiavustaja voi myös ulkoilla hoidettavan kanssa.</p>
<p>Kotiavustajan apua voi saada myös perhe, jolla ei ole omaishoidon sopimusta.</p>
<h2>Lyhytaikaishoito</h2>
<p>Hoidettava voi olla lyhyen ajan hoitopaikassa. Sillä aikaa omaishoitaja saa levätä.</p>
<h2>Sijaisomaishoitaja</h2>
<p>Sijaisomaishoitaja hoitaa läheistäsi sillä aikaa, kun sinä pidät vapaata.</p>
<h2>Palveluseteli</h2>
<p>Palvelusetelillä voit ostaa palvelun yksityiseltä palveluntuottajalta.</p>
<h2>Ryhmät ja vertaistuki</h2>
<p>Omaishoidon kotiavustajat järjestävät myös ryhmätoimintaa etänä. Omaishoitajille sopivia ryhmiä löydät myös
toimintahausta.</p>
<h2>Kun et jaksa</h2>
<p>Soita Seniori-infoon. Kuuntelemme, neuvomme ja viemme tiedon tilanteestasi oikealle taholle.</p>
"""),
    "sv": ("För närståendevårdare", """
<p>Som närståendevårdare orkar du bättre när du ibland får hjälp och ledigt. Här är de former av stöd som
Seniorinfo berättar om för närståendevårdare. Fråga oss vad som passar just er familj.</p>
<h2>Hemhjälpare inom närståendevården</h2>
<p>En hemhjälpare kommer hem till er och hjälper till 1–8 timmar i månaden. Hemhjälparen kan också gå ut med den
du vårdar.</p>
<p>Också en familj som inte har ett avtal om närståendevård kan få hjälp av en hemhjälpare.</p>
<h2>Kortvarig vård</h2>
<p>Den du vårdar kan vara på en vårdplats en kort tid. Under tiden kan du vila.</p>
<h2>Ersättande närståendevårdare</h2>
<p>En ersättande närståendevårdare vårdar din närstående medan du är ledig.</p>
<h2>Servicesedel</h2>
<p>Med en servicesedel kan du köpa tjänsten av en privat serviceproducent.</p>
<h2>Grupper och kamratstöd</h2>
<p>Hemhjälparna inom närståendevården ordnar också gruppverksamhet på distans. Grupper för närståendevårdare hittar
du också i sökningen av aktiviteter.</p>
<h2>När du inte orkar</h2>
<p>Ring Seniorinfo. Vi lyssnar, ger råd och för uppgifter om din situation vidare till rätt instans.</p>
"""),
    "en": ("For family carers", """
<p>As a family carer you cope better when you get help and time off now and then. These are the kinds of support
Seniori-info tells family carers about. Ask us which suits your family.</p>
<h2>Home assistant for family carers</h2>
<p>A home assistant comes to your home to help for 1 to 8 hours a month. The home assistant can also go outdoors
with the person you care for.</p>
<p>A family without a family-care agreement can also get help from a home assistant.</p>
<h2>Short-term care</h2>
<p>The person you care for can stay in a care place for a short time. Meanwhile you can rest.</p>
<h2>Substitute carer</h2>
<p>A substitute carer looks after the person you care for while you have time off.</p>
<h2>Service voucher</h2>
<p>With a service voucher you can buy the service from a private provider.</p>
<h2>Groups and peer support</h2>
<p>The home assistants for family carers also run group activities at a distance. You can also find groups for
family carers in the activity search.</p>
<h2>When you cannot cope</h2>
<p>Call Seniori-info. We listen, give advice and pass on what you tell us about your situation to the right
service.</p>
"""),
}

PROFESSIONALS = {
    "fi": ("Ammattilaisille ja järjestöille", """
<p>Seniori-info neuvoo myös viranomaisia ja järjestöjen työntekijöitä: mihin ikääntyneen ihmisen asiassa kannattaa
ottaa yhteyttä ja miten hoito- ja palveluketju etenee.</p>
<h2>Kuka ilmoittaa</h2>
<p>Huoli-ilmoituksen voi tehdä kuka tahansa: ikääntynyt itse, omainen, naapuri, viranomainen tai järjestön
työntekijä.</p>
<p>Jos viranomainen huomaa, että ihminen tarvitsee sosiaalihuollon palveluja, viranomaisen pitää ohjata hänet
ottamaan yhteyttä sosiaalihuoltoon. Ihmisen suostumuksella viranomainen voi myös itse ilmoittaa tarpeesta
sosiaalihuoltoon (sosiaalihuoltolaki 1301/2014, 35 §).</p>
<p>Sosiaali- ja terveysalan toimijalla on ilmoitusvelvollisuus, jos hän on saanut tietää ihmisestä, jonka
sosiaalihuollon tarve on ilmeinen.</p>
<h2>Puhu ensin ihmisen kanssa</h2>
<ul>
<li>Ota huoli puheeksi ja kysy, saatko ilmoittaa tarpeesta sosiaalihuoltoon.</li>
<li>Jos hän suostuu, sopikaa yhdessä, miten yhteys sosiaalihuoltoon otetaan.</li>
<li>Jos hän ei suostu, pidä yhteyttä häneen. Tarvittaessa voit silti tehdä ilmoituksen.</li>
</ul>
<h2>Mitä ilmoitukseen kirjoitetaan</h2>
<ul>
<li>Kenestä on kyse ja miten häneen saa yhteyden.</li>
<li>Mitä olet huomannut. Kerro havainnot omin sanoin.</li>
<li>Tietääkö ihminen ilmoituksesta ja onko hän suostunut siihen.</li>
<li>Onko hän jo esimerkiksi kotihoidon tai sosiaalityön asiakas, ja kuka on hänen omatyöntekijänsä, jos tiedät.</li>
<li>Kuka olet, missä työskentelet ja miten sinut tavoittaa.</li>
</ul>
<h2>Mitä sen jälkeen tapahtuu</h2>
<p>Palvelutarpeen arvioi sosiaalihuollon ammattihenkilö, joka on virkasuhteessa. Jos ihminen on jo asiakas, tieto
viedään hänen omalle tuki- ja palveluverkostolleen. Uuden asiakkaan tilanne arvioidaan alustavasti.</p>
<p>Ihmisellä on oikeus kieltäytyä palvelusta.</p>
<h2>Kiireellinen tilanne</h2>
<p>Kiireellisen avun tarve arvioidaan heti. Älä jätä kiireellistä asiaa lomakkeen varaan: jos joku on
vaarassa, soita 112. Sosiaalipäivystys auttaa kaikkina vuorokauden aikoina, ja siihen voi ottaa yhteyttä kuka
tahansa, joka huomaa toisen tarvitsevan heti apua.</p>
"""),
    "sv": ("För yrkesfolk och organisationer", """
<p>Seniorinfo ger också myndigheter och anställda i organisationer råd: vart man ska vända sig i en äldre persons
ärende och hur vård- och servicekedjan går vidare.</p>
<h2>Vem gör en anmälan</h2>
<p>Vem som helst kan göra en anmälan om oro: den äldre själv, en anhörig, en granne, en myndighet eller en anställd
i en organisation.</p>
<p>Om en myndighet märker att en person behöver socialvårdens tjänster, ska myndigheten hänvisa personen att
kontakta socialvården. Med personens samtycke kan myndigheten också själv anmäla behovet till socialvården
(socialvårdslagen 1301/2014, 35 §).</p>
<p>Den som arbetar inom social- och hälsovården har anmälningsskyldighet, om hen har fått veta om en person vars
behov av socialvård är uppenbart.</p>
<h2>Tala först med personen</h2>
<ul>
<li>Ta upp din oro och fråga om du får anmäla behovet till socialvården.</li>
<li>Om personen samtycker, kom överens om hur socialvården kontaktas.</li>
<li>Om personen inte samtycker, håll kontakten med hen. Vid behov kan du ändå göra en anmälan.</li>
</ul>
<h2>Vad skriver man i anmälan</h2>
<ul>
<li>Vem det gäller och hur man når personen.</li>
<li>Vad du har märkt. Berätta med egna ord.</li>
<li>Om personen vet om anmälan och om hen har samtyckt.</li>
<li>Om personen redan är klient till exempel inom hemvården eller socialarbetet, och vem som är hens egen
kontaktperson, om du vet det.</li>
<li>Vem du är, var du arbetar och hur du nås.</li>
</ul>
<h2>Vad händer sedan</h2>
<p>Servicebehovet bedöms av en yrkesutbildad person inom socialvården som är anställd i tjänsteförhållande. Om
personen redan är klient, förs uppgifterna vidare till hens eget stöd- och servicenätverk. En ny klients situation
bedöms preliminärt.</p>
<p>Personen har rätt att tacka nej till tjänster.</p>
<h2>Brådskande situation</h2>
<p>Behovet av brådskande hjälp bedöms genast. Lämna inte ett brådskande ärende åt blanketten: om någon är i fara,
ring 112. Socialjouren hjälper dygnet runt, och vem som helst som märker att någon annan behöver hjälp genast kan
kontakta den.</p>
"""),
    "en": ("For professionals and organisations", """
<p>Seniori-info also advises authorities and people who work in organisations: where to turn in an older person's
matter, and how the chain of care and services goes on.</p>
<h2>Who makes a notice</h2>
<p>Anyone can make a concern notice: the older person, a relative, a neighbour, an authority or someone who works
in an organisation.</p>
<p>If an authority sees that a person needs social services, the authority must guide the person to contact social
services. With the person's consent, the authority can also tell social services about the need itself (Social
Welfare Act 1301/2014, section 35).</p>
<p>People who work in social and health care must make a notice if they learn of a person who clearly needs social
services.</p>
<h2>Talk to the person first</h2>
<ul>
<li>Tell them you are worried, and ask if you may tell social services about their need.</li>
<li>If they agree, agree together how social services will be contacted.</li>
<li>If they do not agree, keep in touch with them. If needed, you can still make a notice.</li>
</ul>
<h2>What to write in the notice</h2>
<ul>
<li>Who it is about and how to reach them.</li>
<li>What you have noticed, in your own words.</li>
<li>Whether the person knows about the notice and has agreed to it.</li>
<li>Whether they are already a client, for example of home care or social work, and who their own worker is, if you
know.</li>
<li>Who you are, where you work and how to reach you.</li>
</ul>
<h2>What happens next</h2>
<p>The need for services is assessed by a social care professional who is a public official. If the person is
already a client, the information goes to their own support and service network. A new client's situation is first
assessed briefly.</p>
<p>The person has the right to refuse a service.</p>
<h2>If it is urgent</h2>
<p>The need for urgent help is assessed at once. Do not leave an urgent matter to the form: if someone is in danger,
call 112. The social emergency service helps at any time of day or night, and anyone who sees that another person
needs help at once can contact it.</p>
"""),
}

QUESTIONS = {
    "fi": ("Kysy Seniori-infolta", """
<p>Tähän on koottu asioita, joita Seniori-infolta kysytään usein. Jos et löydä vastausta, soita tai pyydä meitä
soittamaan sinulle.</p>
<h2>Kenelle Seniori-info on?</h2>
<p>Yli 65-vuotiaille helsinkiläisille ja heidän läheisilleen. Neuvomme palveluissa, jotka tukevat toimintakykyä,
hyvinvointia ja osallisuutta. Kerromme kaupungin, järjestöjen ja yritysten palveluista. Palvelemme suomeksi ja
ruotsiksi.</p>
<h2>En tavoita läheiseni omatyöntekijää kotihoidosta. Kenelle soitan?</h2>
<p>Omatyöntekijä on ensimmäinen yhteyshenkilö, jos olet jo kotihoidon tai sosiaalityön asiakas. Katso sivulta
”Löydä oma yhteyshenkilösi”, mistä numeron löytää. Jos et silti saa yhteyttä, soita meille. Selvitämme, kuka asiaa
hoitaa.</p>
<h2>En löydä oman terveysasemani yhteystietoja.</h2>
<p>Soita meille, niin etsimme ne kanssasi. Sama koskee esimerkiksi kuntouttavaa arviointiyksikköä.</p>
<h2>Missä voin käyttää tietokonetta tai saada apua digiasioissa?</h2>
<p>Meiltä kysytään usein paikkoja, joissa voi käyttää tietokonetta ja internetiä, skannata, tulostaa tai kopioida,
saada digiopastusta tai maksaa laskuja. Kerro, missä päin kaupunkia asut, niin etsimme lähimmät paikat. Digiapua
löydät myös toimintahausta.</p>
<h2>Olen omaishoitaja enkä jaksa. Mitä apua on?</h2>
<p>Esimerkiksi omaishoidon kotiavustaja, lyhytaikaishoito, sijaisomaishoitaja ja palveluseteli. Lue lisää sivulta
”Omaishoitajalle”.</p>
<h2>Tunnen oloni turvattomaksi tai yksinäiseksi.</h2>
<p>Kodin ulkopuolinen toiminta tuo arkeen sisältöä ja pitää yllä toimintakykyä. Etsi toimintaa läheltäsi tai soita
meille. Teemme myös etsivää vanhustyötä yhdessä järjestöjen kanssa.</p>
<h2>Voinko tehdä huoli-ilmoituksen naapuristani?</h2>
<p>Voit. Naapurit ja omaiset tekevät paljon huoli-ilmoituksia. Tee ilmoitus, vaikka et olisi varma.</p>
<h2>Mitä tapahtuu, jos en vastaa, kun soitatte takaisin?</h2>
<p>Yritämme soittaa kaksi kertaa. Jos emme tavoita sinua, soita meille tai pyydä soittoa uudelleen.</p>
"""),
    "sv": ("Fråga Seniorinfo", """
<p>Här har vi samlat sådant som man ofta frågar Seniorinfo om. Om du inte hittar svaret, ring eller be oss ringa
dig.</p>
<h2>Vem är Seniorinfo till för?</h2>
<p>För helsingforsare över 65 år och deras närstående. Vi ger råd om tjänster som stöder funktionsförmåga,
välbefinnande och delaktighet. Vi berättar om stadens, organisationernas och företagens tjänster. Vi betjänar på
finska och svenska.</p>
<h2>Jag når inte min närståendes egen kontaktperson inom hemvården. Vem ska jag ringa?</h2>
<p>Den egna kontaktpersonen är den första du ska kontakta, om du redan är klient inom hemvården eller
socialarbetet. På sidan ”Hitta din egen kontakt” ser du var du hittar numret. Om du ändå inte når någon,
ring oss. Vi tar reda på vem som sköter ärendet.</p>
<h2>Jag hittar inte min hälsostations kontaktuppgifter.</h2>
<p>Ring oss, så letar vi fram dem tillsammans. Detsamma gäller till exempel den rehabiliterande
bedömningsenheten.</p>
<h2>Var kan jag använda en dator eller få hjälp med digitala ärenden?</h2>
<p>Vi får ofta frågor om platser där man kan använda en dator och internet, skanna, skriva ut eller kopiera, få
digital handledning eller betala räkningar. Berätta var i staden du bor, så letar vi fram de närmaste platserna.
Digital hjälp hittar du också i sökningen av aktiviteter.</p>
<h2>Jag är närståendevårdare och orkar inte. Vilken hjälp finns?</h2>
<p>Till exempel hemhjälpare inom närståendevården, kortvarig vård, ersättande närståendevårdare och servicesedel.
Läs mer på sidan ”För närståendevårdare”.</p>
<h2>Jag känner mig otrygg eller ensam.</h2>
<p>Verksamhet utanför hemmet ger innehåll i vardagen och håller uppe funktionsförmågan. Sök verksamhet nära dig
eller ring oss. Vi gör också uppsökande äldrearbete tillsammans med organisationer.</p>
<h2>Kan jag göra en anmälan om oro för min granne?</h2>
<p>Ja. Grannar och anhöriga gör många anmälningar om oro. Gör en anmälan, även om du inte är säker.</p>
<h2>Vad händer om jag inte svarar när ni ringer tillbaka?</h2>
<p>Vi försöker ringa två gånger. Om vi inte når dig, ring oss eller be om ett nytt samtal.</p>
"""),
    "en": ("Ask Seniori-info", """
<p>Here are things people often ask Seniori-info. If you do not find the answer, call us or ask us to call
you.</p>
<h2>Who is Seniori-info for?</h2>
<p>For Helsinki residents over 65 and their family and friends. We give advice on services that support everyday
abilities, wellbeing and taking part. We tell you about the services of the city, organisations and companies. We
serve in Finnish and Swedish.</p>
<h2>I cannot reach my relative's own worker in home care. Whom do I call?</h2>
<p>If you are already a client of home care or social work, your own worker is the first person to contact. The
page "Find your own contact" says where to find the number. If you still cannot reach anyone, call us. We find out
who is handling the matter.</p>
<h2>I cannot find the contact details of my health station.</h2>
<p>Call us and we will look for them with you. The same goes for the rehabilitation assessment unit, for
example.</p>
<h2>Where can I use a computer or get help with digital matters?</h2>
<p>People often ask us for places where they can use a computer and the internet, scan, print or copy, get digital
guidance or pay bills. Tell us which part of town you live in and we will look for the nearest places. You can
also find digital help in the activity search.</p>
<h2>I am a family carer and I cannot cope. What help is there?</h2>
<p>For example a home assistant for family carers, short-term care, a substitute carer and a service voucher. Read
more on the page "For family carers".</p>
<h2>I feel unsafe or lonely.</h2>
<p>Activities outside the home give everyday life meaning and help you keep your abilities. Look for activities
near you or call us. We also reach out to lonely older people together with organisations.</p>
<h2>Can I make a concern notice about my neighbour?</h2>
<p>Yes. Neighbours and relatives make many concern notices. Make a notice even if you are not sure.</p>
<h2>What happens if I do not answer when you call back?</h2>
<p>We try to call twice. If we cannot reach you, call us or ask for a call again.</p>
"""),
}

PAGES = {"carers": ("guide", CARERS), "professionals": ("guide", PROFESSIONALS), "questions": ("questions", QUESTIONS)}


def load_content(db: Session, today: dt.date) -> dict[str, int]:
    """Add the demo pages that do not exist yet (checked today, to be checked again in half a year)."""
    existing = set(db.scalars(select(ContentPage.slug)))
    added = 0
    for slug, (kind, versions) in PAGES.items():
        if slug in existing:
            continue
        page = ContentPage(slug=slug, kind=kind)
        for lang, (title, body) in versions.items():
            html = str(rich_text(_WRAPPED.sub(" ", body).strip(), headings=True))
            page.versions[lang] = ContentVersion(lang=lang, title=title, body=html, reviewed_on=today,
                                                 review_by=today + REVIEW_EVERY)
        db.add(page)
        added += 1
    db.flush()
    return {"content_pages": added}
